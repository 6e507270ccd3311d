/** The status bar's sync part: online or not, what is waiting, running, parked, the last success. */
import { useSync } from './syncStore';

export function SyncStatusSegment() {
  const status = useSync((state) => state.status);
  const configured = useSync((state) => state.configured);
  const openPanel = useSync((state) => state.openPanel);
  if (configured === false) {
    return (
      <button type="button" className="link" data-testid="status-sync" onClick={() => openPanel('servers')}>
        Sync: not configured
      </button>
    );
  }
  if (!status) return <span data-testid="status-sync">Sync: …</span>;
  const parts = [
    status.connection === 'online' ? 'Online' : status.connection === 'offline' ? 'Offline' : 'Sync',
    // Another server down (a clinic's, a retired one) is named, without making the archive look down.
    ...status.unreachableServers.map((name) => `${name} unreachable`),
    status.downloading ? `↓ ${status.downloading.instances} of ${status.downloading.expected} images` : '',
    status.pending > 0 ? `${status.pending} waiting` : '',
    status.running > 0 ? `${status.running} sending/receiving` : '',
    status.parked > 0 ? `${status.parked} need attention` : '',
    status.lastSuccessAt ? `last sync ${new Date(status.lastSuccessAt).toLocaleTimeString('en-GB')}` : '',
  ].filter(Boolean);
  return (
    <button
      type="button"
      className={`link sync-status ${status.connection}${status.parked > 0 ? ' attention' : ''}`}
      data-testid="status-sync"
      title={status.lastError ?? 'Open the sync panel'}
      onClick={() => openPanel(status.parked > 0 ? 'transfers' : 'servers')}
    >
      {parts.join(' · ')}
    </button>
  );
}
