import { describe, expect, it } from 'vitest';
import { createApiRouter, type RequestHandlers, UserFacingError } from '../../electron/api/apiRouter';

const stats = { patients: 1, studies: 2, series: 3, instances: 4, bytes: 5, disk: { freeBytes: 6, low: true } };
const notUsedHere = () => {
  throw new Error('not used in this test');
};
const handlers = (overrides: Partial<RequestHandlers> = {}): RequestHandlers => ({
  'app.info': () => ({ name: 'Lumen Workstation', version: '0.1.0', mode: 'host', capabilities: { nativeFileDialogs: false, uploads: true }, dataDirectory: '~/lib', schemaVersion: 3, platform: 'linux' }),
  'library.stats': () => stats,
  'audit.query': (query) => ({ entries: [], nextBeforeId: query.limit }),
  'library.searchStudies': notUsedHere,
  'library.studyDetail': notUsedHere,
  'library.priorStudies': notUsedHere,
  'library.deleteStudy': notUsedHere,
  'library.exportStudies': notUsedHere,
  'library.exportStudiesChoose': notUsedHere,
  'viewer.openStudy': notUsedHere,
  'annotations.list': notUsedHere,
  'annotations.save': notUsedHere,
  'annotations.delete': notUsedHere,
  'annotations.exportSr': notUsedHere,
  'keyImages.set': notUsedHere,
  'reports.get': notUsedHere,
  'reports.saveDraft': notUsedHere,
  'reports.sign': notUsedHere,
  'reports.addAddendum': notUsedHere,
  'reports.exportSr': notUsedHere,
  'reports.versions': notUsedHere,
  'reports.templates': notUsedHere,
  'reports.saveTemplate': notUsedHere,
  'reports.resetTemplate': notUsedHere,
  'settings.get': notUsedHere,
  'settings.set': notUsedHere,
  'servers.list': notUsedHere,
  'servers.save': notUsedHere,
  'servers.delete': notUsedHere,
  'servers.test': notUsedHere,
  'servers.trustCertificate': notUsedHere,
  'sync.searchServer': notUsedHere,
  'sync.serverPriors': notUsedHere,
  'sync.upload': notUsedHere,
  'sync.download': notUsedHere,
  'sync.transfers': notUsedHere,
  'sync.transferGroups': notUsedHere,
  'sync.checkAutoDownload': notUsedHere,
  'sync.retry': notUsedHere,
  'sync.cancel': notUsedHere,
  'sync.status': notUsedHere,
  'import.start': notUsedHere,
  'import.choose': notUsedHere,
  'import.beginUpload': notUsedHere,
  'import.finishUpload': notUsedHere,
  'import.cancel': notUsedHere,
  'import.status': notUsedHere,
  ...overrides,
});

describe('the API router', () => {
  it('runs the handler with validated input, defaults applied', async () => {
    const router = createApiRouter(handlers());
    expect(await router.handle('library.stats', {})).toEqual({ ok: true, value: stats });
    expect(await router.handle('audit.query', {})).toEqual({ ok: true, value: { entries: [], nextBeforeId: 100 } });
    expect(await router.handle('library.stats', undefined)).toEqual({ ok: true, value: stats });
  });

  it('refuses names outside the contract, including inherited properties', async () => {
    const router = createApiRouter(handlers());
    for (const name of ['fs.readFile', '__proto__', 'constructor', 'toString', 42, null]) {
      expect(await router.handle(name, {}), String(name)).toMatchObject({ ok: false, error: { code: 'unknown-request' } });
    }
  });

  it('refuses input that does not match the schema, saying where', async () => {
    const router = createApiRouter(handlers());
    const tooMany = await router.handle('audit.query', { limit: 5000 });
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(tooMany.ok === false && tooMany.error.message).toMatch(/^audit\.query: limit:/);
    expect(await router.handle('audit.query', { action: 'DROP TABLE' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await router.handle('audit.query', { since: 'yesterday' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await router.handle('app.info', { extra: true })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await router.handle('app.info', 'a string')).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });

  it('passes user-facing errors through and hides unexpected ones', async () => {
    const router = createApiRouter(
      handlers({
        'library.stats': () => {
          throw new UserFacingError('conflict', 'The library is being imported into; try again when it finishes.');
        },
        'app.info': () => {
          throw new Error('SQLITE_CORRUPT at /home/someone/library.sqlite');
        },
      }),
    );
    expect(await router.handle('library.stats', {})).toEqual({ ok: false, error: { code: 'conflict', message: 'The library is being imported into; try again when it finishes.' } });
    const hidden = await router.handle('app.info', {});
    expect(hidden).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(hidden)).not.toContain('/home/someone');
  });
});
