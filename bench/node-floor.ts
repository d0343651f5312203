/**
 * The floor of a Node.js server on this machine: Fastify (the app's HTTP framework) answering with the
 * same HTML bytes from memory, no database, no rendering. Started by bench/pages.ts as a child process:
 *   node --import tsx bench/node-floor.ts <port> <folder>
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';

const [port, folder] = process.argv.slice(2);
if (!port || !folder) throw new Error('usage: node-floor.ts <port> <folder>');
const files = new Map(readdirSync(folder).map((f) => [f, readFileSync(path.join(folder, f))]));
const app = Fastify({ logger: false });
app.get<{ Params: { file: string } }>('/:file', async (request, reply) => {
  const body = files.get(request.params.file);
  if (!body) return reply.code(404).send();
  return reply.type('text/html; charset=utf-8').send(body);
});
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
await app.listen({ port: Number(port), host: '127.0.0.1' });
