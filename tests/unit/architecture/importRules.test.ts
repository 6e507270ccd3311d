/**
 * The import directions of the architecture are enforced by the linter: these are the rules
 * firing on code that breaks them, and staying quiet on code that does not.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../helpers/paths';

const eslint = new ESLint({ cwd: projectRoot });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

// The first lint builds the type-aware program for the whole project: seconds, more under load.
describe('import directions', { timeout: 60_000 }, () => {
  it('renderer/ may not import electron/, the electron package or Node built-ins', async () => {
    expect(await restrictedImports('renderer/app/App.tsx', "import { log } from '../../electron/logging/log';\nexport const a = log;\n")).toHaveLength(1);
    expect(await restrictedImports('renderer/app/App.tsx', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n")).toHaveLength(1);
    expect(await restrictedImports('renderer/app/App.tsx', "import fs from 'node:fs';\nimport path from 'path';\nexport const a = [fs, path];\n")).toHaveLength(2);
    expect(await restrictedImports('renderer/app/App.tsx', "import { requests } from '../../shared/api';\nexport const a = requests;\n")).toEqual([]);
  });

  it('electron/ may not import renderer/, and only electron/shell/ may import the electron package', async () => {
    expect(await restrictedImports('electron/services/appIdentity.ts', "import { App } from '../../renderer/app/App';\nexport const a = App;\n")).toHaveLength(1);
    expect(await restrictedImports('electron/services/appIdentity.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
    expect(await restrictedImports('electron/host/hostServer.ts', "import { app } from 'electron/main';\nexport const a = app;\n")).toHaveLength(1);
    expect(await restrictedImports('electron/shell/menu.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([]);
    expect(await restrictedImports('electron/shell/menu.ts', "import { App } from '../../renderer/app/App';\nexport const a = App;\n")).toHaveLength(1);
  });

  it('shared/ may import neither side, nor Node, nor electron', async () => {
    for (const source of ["'../electron/logging/log'", "'../renderer/app/App'", "'electron'", "'node:crypto'", "'os'"]) {
      expect(await restrictedImports('shared/api.ts', `import * as x from ${source};\nexport const a = x;\n`), source).toHaveLength(1);
    }
    expect(await restrictedImports('shared/api.ts', "import { z } from 'zod';\nexport const a = z;\n")).toEqual([]);
  });

  it('only renderer/viewer/cornerstone/ may import the cornerstone stack', async () => {
    const code = "import cornerstone from 'cornerstone-core';\nexport const a = cornerstone;\n";
    expect(await restrictedImports('renderer/viewer/ViewportPane.tsx', code)).toHaveLength(1);
    expect(await restrictedImports('renderer/app/App.tsx', "import tools from 'cornerstone-tools';\nexport const a = tools;\n")).toHaveLength(1);
    expect(await restrictedImports('shared/api.ts', code)).toHaveLength(1);
    expect(await restrictedImports('renderer/viewer/cornerstone/stackViewport.ts', code)).toEqual([]);
  });
});
