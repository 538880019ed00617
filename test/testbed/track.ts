import { after } from 'node:test';
import type { RunningServer } from './process.js';

/**
 * A `track` function for a test file: every server it is handed is stopped when the file's tests
 * end, whether they passed or not (one `after` hook per file).
 */
export function serverTracker(): <T extends RunningServer>(server: Promise<T>) => Promise<T> {
  const servers: RunningServer[] = [];
  after(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });
  return async (server) => {
    const started = await server;
    servers.push(started);
    return started;
  };
}
