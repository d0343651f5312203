import type { PageContext } from './context.ts';

/** Plain links: works without JS; the current page is marked for assistive technology. */
export function Pager({
  ctx,
  page,
  pages,
  hrefFor,
}: {
  ctx: PageContext;
  page: number;
  pages: number;
  hrefFor: (page: number) => string;
}) {
  if (pages <= 1) return null;
  const { t } = ctx;
  const numbers = new Set([1, pages, page - 1, page, page + 1].filter((n) => n >= 1 && n <= pages));
  const sorted = [...numbers].sort((a, b) => a - b);
  const items: (number | 'gap')[] = [];
  for (const n of sorted) {
    const last = items[items.length - 1];
    if (typeof last === 'number' && n - last > 1) items.push('gap');
    items.push(n);
  }
  return (
    <nav class="sp-pager" aria-label={t('pager.label')}>
      <ul>
        {page > 1 && (
          <li>
            <a href={hrefFor(page - 1)} rel="prev">
              ‹ {t('pager.prev')}
            </a>
          </li>
        )}
        {items.map((n, i) =>
          n === 'gap' ? (
            <li key={`gap${i}`} aria-hidden="true">
              …
            </li>
          ) : (
            <li key={n}>
              {n === page ? (
                <span aria-current="page">
                  <span class="sp-visually-hidden">{t('pager.page', { n })}</span>
                  <span aria-hidden="true">{n}</span>
                </span>
              ) : (
                <a href={hrefFor(n)} aria-label={t('pager.page', { n })}>
                  {n}
                </a>
              )}
            </li>
          ),
        )}
        {page < pages && (
          <li>
            <a href={hrefFor(page + 1)} rel="next">
              {t('pager.next')} ›
            </a>
          </li>
        )}
      </ul>
    </nav>
  );
}
