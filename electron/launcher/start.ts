/**
 * `npm start`: the workstation in Electron when its runtime is installed; otherwise the browser
 * host, shown in an installed Chromium/Chrome app-mode window (or, without a display, as a URL
 * to open). It says which mode it chose and why. Arguments after `--` are passed on
 * (`--data-dir DIR`, `--port N`).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runHost } from '../host/runHost';
import { resolveDataDirectory } from '../services/dataDirectory';
import { findElectronRuntime } from './electronRuntime';
import { findChromiumBrowser, hasDisplay } from './findBrowser';

const say = (line: string) => process.stdout.write(`${line}\n`);

async function startBrowserHost(args: string[], why: string): Promise<void> {
  const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' }, port: { type: 'string', default: '0' } }, strict: true });
  const dataDirectory = resolveDataDirectory(values['data-dir']);
  say(`Mode: browser host — ${why}.`);
  const run = await runHost({ dataDirectory, port: Number(values.port) });
  say(`Library: ${dataDirectory}`);

  const stop = () => void run.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const browser = findChromiumBrowser();
  if (browser && hasDisplay()) {
    say(`Opening the workstation in ${browser} (app window). Close the window or press Ctrl+C to stop.`);
    const child = spawn(
      browser,
      [`--app=${run.host.url}`, `--user-data-dir=${path.join(dataDirectory, 'browser-profile')}`, '--no-first-run', '--no-default-browser-check'],
      { stdio: 'ignore' },
    );
    child.on('exit', stop);
    return;
  }
  const reason = browser ? 'there is no display to open a window on' : 'no Chromium, Chrome or Edge was found (set LUMEN_BROWSER to one)';
  say(`Not opening a window: ${reason}.`);
  say(`Open this address in Chromium or Chrome on this machine: ${run.host.url}`);
  say('Press Ctrl+C to stop.');
}

function main(): void {
  const args = process.argv.slice(2);
  const runtime = findElectronRuntime();
  if (runtime.available) {
    const appRoot = fileURLToPath(new URL('../../', import.meta.url));
    say(`Mode: Electron — runtime found at ${runtime.executable}.`);
    const child = spawn(runtime.executable, [appRoot, ...args], { stdio: 'inherit' });
    child.on('exit', (code) => process.exit(code ?? 0));
    return;
  }
  startBrowserHost(args, `Electron cannot start here: ${runtime.reason}`).catch((error: unknown) => {
    process.stderr.write(`Lumen Workstation could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

main();
