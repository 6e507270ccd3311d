// Builds dist/ when it is missing or older than the sources, so `npm run host` works on a fresh
// clone. Build output goes to stderr: the host's stdout carries only its `HOST READY` line.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const outputs = ['dist/node/host.mjs', 'dist/node/cli.mjs', 'dist/node/storeWorker.mjs', 'dist/node/importWorker.mjs', 'dist/renderer/index.html'].map((file) => path.join(root, file));

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

const sources = Math.max(...['electron', 'renderer', 'shared', 'resources/icons'].map((dir) => newestMtime(path.join(root, dir))), statSync(path.join(root, 'package.json')).mtimeMs);
const stale = outputs.some((file) => !existsSync(file) || statSync(file).mtimeMs < sources);
if (stale) {
  process.stderr.write('Building Lumen Workstation first…\n');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', process.stderr, process.stderr] });
}
