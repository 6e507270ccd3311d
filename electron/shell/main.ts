/** Electron main-process entry (package.json "main" → dist/node/main.mjs). */
import { startShell } from './startShell';

startShell();
