/** Atom 1.0 feed (RFC 4287) of published news. */
import { renderMarkdown } from '../../platform/web/markdown.ts';
import { imagePath, type NewsItem, newsPath } from './model.ts';

export const xml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

// Characters XML 1.0 forbids even when escaped.
const allowed = (c: number) =>
  c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c !== 0xfffe && c !== 0xffff);
const clean = (s: string) => [...s].filter((ch) => allowed(ch.codePointAt(0)!)).join('');

export function atomFeed(
  items: NewsItem[],
  opts: { title: string; baseUrl: string; selfPath: string; htmlPath: string; author: string },
): string {
  const updated = items.reduce((max, n) => Math.max(max, n.updatedAt.getTime(), n.publishAt!.getTime()), 0);
  const entries = items.map((n) => {
    const url = `${opts.baseUrl}${newsPath(n.city, n.slug)}`;
    const image = n.imageId
      ? `<p><img src="${xml(`${opts.baseUrl}${imagePath(n.imageId)}`)}" alt="${xml(n.imageAlt)}"></p>`
      : '';
    return [
      '<entry>',
      `<id>${xml(url)}</id>`,
      `<title>${xml(clean(n.title))}</title>`,
      `<link rel="alternate" type="text/html" href="${xml(url)}"/>`,
      `<published>${n.publishAt!.toISOString()}</published>`,
      // A scheduled item may have been edited before it went out; "updated" is never before "published".
      `<updated>${new Date(Math.max(n.updatedAt.getTime(), n.publishAt!.getTime())).toISOString()}</updated>`,
      `<summary>${xml(clean(n.teaser))}</summary>`,
      `<content type="html">${xml(clean(image + renderMarkdown(n.body)))}</content>`,
      ...n.tags.map((t) => `<category term="${xml(clean(t))}"/>`),
      '</entry>',
    ].join('');
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">',
    `<id>${xml(`${opts.baseUrl}${opts.selfPath}`)}</id>`,
    `<title>${xml(opts.title)}</title>`,
    `<updated>${new Date(updated || Date.now()).toISOString()}</updated>`,
    `<author><name>${xml(opts.author)}</name></author>`,
    `<link rel="self" type="application/atom+xml" href="${xml(`${opts.baseUrl}${opts.selfPath}`)}"/>`,
    `<link rel="alternate" type="text/html" href="${xml(`${opts.baseUrl}${opts.htmlPath}`)}"/>`,
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}
