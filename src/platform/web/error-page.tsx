import type { PageContext } from './context.ts';
import { Layout } from './layout.tsx';

export function ErrorPage({ ctx, status, message }: { ctx: PageContext; status: number; message?: string }) {
  const { t } = ctx;
  const known = [400, 403, 404, 413, 429].includes(status) ? status : status >= 500 ? 500 : 400;
  const title = t(`error.${known}.title`);
  const text = message ?? t(`error.${known}.text`);
  return (
    <Layout ctx={ctx} title={title}>
      <h1 class="kern-heading-large">{title}</h1>
      <p class="kern-body">{text}</p>
      <p class="kern-body">
        <a class="kern-link" href={ctx.href(ctx.city ? `/${ctx.city.slug}/` : '/')}>
          {t('error.home')}
        </a>
      </p>
    </Layout>
  );
}
