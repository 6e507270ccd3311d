/**
 * `npm run host -- --data-dir DIR [--port N]`: the browser host without a window, for scripts
 * and tests. Prints exactly one line `HOST READY <url>` on stdout once it accepts requests (the
 * URL carries the token) and stops cleanly on SIGTERM or SIGINT.
 */
import { parseArgs } from 'node:util';
import { describeError, log } from '../logging/log';
import { resolveDataDirectory } from '../services/dataDirectory';
import { runHost } from './runHost';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { 'data-dir': { type: 'string' }, port: { type: 'string', default: '0' } },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not "${values.port}"`);

  const run = await runHost({ dataDirectory: resolveDataDirectory(values['data-dir']), port });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('host.stopping', { signal });
    run.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error('host.stop-failed', describeError(error));
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // Announced only once the signal handlers are in place: a caller may SIGTERM the moment it
  // reads this line.
  process.stdout.write(`HOST READY ${run.host.url}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Lumen Workstation host could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
