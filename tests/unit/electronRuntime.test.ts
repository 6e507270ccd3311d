import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findElectronRuntime } from '../../electron/launcher/electronRuntime';
import { makeTempDir } from '../helpers/tempDir';

describe('finding Electron’s runtime without downloading it', () => {
  it('reports the binary missing, with the reason, when it was never downloaded', () => {
    // On this machine the electron package is installed but its binary cannot be downloaded.
    const runtime = findElectronRuntime({});
    expect(runtime.available).toBe(false);
    expect(runtime.available === false && runtime.reason).toMatch(/never downloaded|missing/);
  });

  it('finds a runtime provided through ELECTRON_OVERRIDE_DIST_PATH', () => {
    const temp = makeTempDir('electron-dist');
    try {
      const binary = path.join(temp.dir, 'electron');
      writeFileSync(binary, '#!/bin/sh\n');
      chmodSync(binary, 0o755);
      expect(findElectronRuntime({ ELECTRON_OVERRIDE_DIST_PATH: temp.dir })).toEqual({ available: true, executable: binary });
    } finally {
      temp.remove();
    }
  });
});
