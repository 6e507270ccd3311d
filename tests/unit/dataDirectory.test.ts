import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDirectoryFlag, defaultDataDirectory, displayDataDirectory, resolveDataDirectory } from '../../electron/services/dataDirectory';

describe('the data directory', () => {
  it('prefers the flag, then LUMEN_DATA_DIR, then the platform default', () => {
    expect(resolveDataDirectory('/flag/dir', { LUMEN_DATA_DIR: '/env/dir' })).toBe('/flag/dir');
    expect(resolveDataDirectory(undefined, { LUMEN_DATA_DIR: '/env/dir' })).toBe('/env/dir');
    expect(resolveDataDirectory('relative/dir', {})).toBe(path.resolve('relative/dir'));
  });

  it('defaults to the per-user application data folder of each platform', () => {
    expect(defaultDataDirectory('linux', {}, '/home/rad')).toBe('/home/rad/.local/share/lumen-workstation');
    expect(defaultDataDirectory('linux', { XDG_DATA_HOME: '/data/rad' }, '/home/rad')).toBe('/data/rad/lumen-workstation');
    expect(defaultDataDirectory('darwin', {}, '/Users/rad')).toBe('/Users/rad/Library/Application Support/Lumen Workstation');
    expect(defaultDataDirectory('win32', { APPDATA: 'C:\\Users\\rad\\AppData\\Roaming' }, 'C:\\Users\\rad')).toBe('C:\\Users\\rad\\AppData\\Roaming\\Lumen Workstation');
  });

  it('finds --data-dir among Electron and Chromium switches', () => {
    expect(dataDirectoryFlag(['electron', '.', '--enable-logging', '--data-dir', '/x'])).toBe('/x');
    expect(dataDirectoryFlag(['electron', '.', '--data-dir=/y'])).toBe('/y');
    expect(dataDirectoryFlag(['electron', '.'])).toBeUndefined();
  });

  it('shows the home folder as ~', () => {
    expect(displayDataDirectory('/home/rad/.local/share/lumen-workstation', '/home/rad')).toBe('~/.local/share/lumen-workstation');
    expect(displayDataDirectory('/home/radiology/lib', '/home/rad')).toBe('/home/radiology/lib');
  });
});
