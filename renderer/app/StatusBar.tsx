import { useAppStore } from '../state/appStore';
import { SyncStatusSegment } from '../sync/SyncStatusSegment';
import { formatBytes, plural } from './format';
import { REGION_ATTRIBUTE } from './useRegionCycling';

const modeLabel = { electron: 'Desktop', host: 'Browser host', cli: 'Command line' } as const;
const connectionLabel = { connecting: 'Connecting…', connected: 'Connected', disconnected: 'Host unreachable' } as const;

export function StatusBar() {
  const { info, stats, connection, problem } = useAppStore();
  return (
    <footer className="status-bar" aria-label="Status" tabIndex={-1} {...{ [REGION_ATTRIBUTE]: 'status' }}>
      <span data-testid="status-mode" title="How this window talks to the workstation">
        {info ? modeLabel[info.mode] : '…'}
      </span>
      {info?.mode === 'host' && (
        <span data-testid="status-connection" className={`connection ${connection}`}>
          {connectionLabel[connection]}
        </span>
      )}
      <span data-testid="status-data-directory" title="Where the library is stored">
        Library: {info?.dataDirectory ?? '…'}
      </span>
      <span data-testid="status-library">
        {stats ? `${plural(stats.studies, 'study', 'studies')} · ${plural(stats.instances, 'image', 'images')} · ${formatBytes(stats.bytes)}` : '…'}
      </span>
      {stats?.disk?.low && (
        <span data-testid="status-disk" role="status" className="problem" title="Imports and downloads stop before the disk is full, keeping room for the database and report drafts">
          Disk nearly full: {formatBytes(stats.disk.freeBytes)} free
        </span>
      )}
      <SyncStatusSegment />
      {problem && (
        <span role="alert" className="problem">
          {problem}
        </span>
      )}
      <span className="spacer" />
      <span className="muted">{info ? `v${info.version}` : ''}</span>
    </footer>
  );
}
