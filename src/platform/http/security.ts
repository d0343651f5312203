import type { FastifyInstance } from 'fastify';

/**
 * Strict CSP: scripts and styles only from our own origin, no inline script, no third-party hosts.
 * Map tiles, when an admin configures a tile server, are the one allowed exception (img-src).
 */
export function securityHeaders(app: FastifyInstance, options: { tileOrigin?: string | undefined }) {
  const img = ["'self'", 'data:'];
  if (options.tileOrigin) img.push(options.tileOrigin);
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${img.join(' ')}`,
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  app.addHook('onSend', async (request, reply) => {
    reply.header('content-security-policy', csp);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('permissions-policy', 'geolocation=(self), camera=(), microphone=(), payment=()');
    if (request.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000');
  });
}
