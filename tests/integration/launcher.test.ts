/**
 * `npm start` on a machine like ours: Electron's runtime is not installed and there is no
 * display, so the launcher says so, starts the browser host and prints the address to open —
 * which serves the workstation — and stops on Ctrl+C.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { builtFile } from '../helpers/paths';
import { makeTempDir } from '../helpers/tempDir';

describe('npm start without Electron or a display', () => {
  it('chooses the browser host, says why, prints a working address, and stops on SIGINT', async () => {
    const temp = makeTempDir('launcher');
    const env = { ...process.env };
    delete env['DISPLAY'];
    delete env['WAYLAND_DISPLAY'];
    delete env['ELECTRON_OVERRIDE_DIST_PATH'];
    const child = spawn(process.execPath, [builtFile('node/start.mjs'), '--data-dir', temp.dir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let stdout = '';
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no address printed:\n${stdout}`)), 30_000);
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = /Open this address in Chromium or Chrome on this machine: (\S+)/.exec(stdout);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      expect(stdout).toMatch(/^Mode: browser host — Electron cannot start here: Electron's runtime binary/m);
      expect(stdout).toContain('there is no display to open a window on');
      expect(stdout).toContain(`Library: ${temp.dir}`);

      const page = await fetch(url, { redirect: 'manual' });
      expect(page.status).toBe(303);
      const cookie = page.headers.get('set-cookie')?.split(';')[0] ?? '';
      const app = await fetch(new URL('/', url), { headers: { Cookie: cookie } });
      expect(app.status).toBe(200);
      expect(await app.text()).toContain('<title>Lumen Workstation</title>');

      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      temp.remove();
    }
  });
});
