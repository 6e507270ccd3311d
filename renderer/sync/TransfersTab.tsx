/**
 * The transfers tab: the queue by study, one line per study, server and direction, with how far
 * it got, what waits or was refused and why, Retry and Cancel for the whole line, and the
 * per-instance rows behind Details. A technician asks "did the CT go up?", not "did
 * …502535974396 go up?".
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Transfer, TransferGroup, TransferGroupKey } from '../../shared/api';
import { useClient } from '../api/clientContext';
import { messageOf, plural } from '../app/format';
import { openStudyFromPanel } from '../app/panels';
import { useSync } from './syncStore';
import { stateText, studyLabel, when } from './transferText';

/** Lines shown at first; "Show older" asks for more. */
const GROUPS_PAGE = 50;
/** At most one reload per this long while the status streams in (a download sends many). */
const RELOAD_SPACING_MS = 400;

const keyOf = (group: TransferGroupKey) => `${group.serverId} ${group.direction} ${group.studyInstanceUid}`;
const groupKey = ({ serverId, direction, studyInstanceUid }: TransferGroupKey): TransferGroupKey => ({ serverId, direction, studyInstanceUid });

function TransferRows({ group }: { group: TransferGroup }) {
  const client = useClient();
  const status = useSync((state) => state.status);
  const [rows, setRows] = useState<Transfer[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    client.request('sync.transfers', { group: groupKey(group), limit: 1000 }).then((listed) => setRows(listed.transfers), (error: unknown) => setProblem(messageOf(error)));
  }, [client, group, status]);
  if (problem) return <p className="problem">{problem}</p>;
  if (!rows) return null;
  return (
    <table className="transfer-table">
      <thead>
        <tr>
          <th>State</th>
          <th>Instance</th>
          <th>Tries</th>
          <th>Last change</th>
          <th>Reason</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((transfer) => (
          <tr key={transfer.id} className={transfer.state} data-testid="transfer-row">
            <td>{transfer.state === 'pending' && transfer.attempts > 0 ? `waiting (next ${when(transfer.nextAttemptAt)})` : transfer.state}</td>
            <td className="uid" title={transfer.sopInstanceUid}>
              {transfer.scope === 'study' ? 'the whole study' : `…${transfer.sopInstanceUid.slice(-16)}`}
            </td>
            <td>{transfer.attempts}</td>
            <td>{when(transfer.updatedAt)}</td>
            <td>{transfer.lastError ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function TransferGroupItem({ group, onRetry, onCancel, onOpenStudy }: { group: TransferGroup; onRetry: () => void; onCancel: () => void; onOpenStudy: () => void }) {
  const [open, setOpen] = useState(false);
  const openTransfers = group.waiting + group.running + group.refused;
  const server = group.direction === 'upload' ? `↑ to ${group.serverName}` : `↓ from ${group.serverName}`;
  return (
    <li className={`transfer-group ${group.state}`} data-testid="transfer-group">
      <div className="transfer-line">
        <span className="transfer-direction">{server}</span>
        <span className="transfer-study">{studyLabel(group)}</span>
      </div>
      <div className="transfer-line">
        <progress value={group.completed} max={Math.max(1, group.total)} aria-label="Progress" />
        <span className="transfer-state" data-testid="transfer-group-state">
          {stateText(group)}
        </span>
      </div>
      {group.problems.length > 0 && (
        <ul className="transfer-problems" data-testid="transfer-group-problems">
          {group.problems.map((problem) => (
            <li key={`${problem.refused ? 'refused' : 'retrying'} ${problem.reason}`} className={problem.refused ? 'refused' : ''}>
              {problem.count.toLocaleString('en')} {problem.refused ? 'refused' : 'failed, to be tried again'}: {problem.reason}
            </li>
          ))}
        </ul>
      )}
      <div className="button-row">
        {(group.refused > 0 || group.nextAttemptAt !== null) && (
          <button type="button" className="small" onClick={onRetry} data-testid="transfer-group-retry">
            {group.refused > 0 ? 'Retry' : 'Try now'}
          </button>
        )}
        {openTransfers > 0 && (
          <button
            type="button"
            className="small"
            onClick={onCancel}
            title={group.direction === 'download' ? 'Stops the download; the images that arrived stay in the library' : 'Takes what has not gone yet out of the queue'}
            data-testid="transfer-group-cancel"
          >
            Cancel
          </button>
        )}
        {group.inLibrary && (
          <button type="button" className="small" onClick={onOpenStudy} data-testid="transfer-group-open">
            Open
          </button>
        )}
        <button type="button" className="small link" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="transfer-group-details">
          {open ? 'Hide details' : 'Details'}
        </button>
      </div>
      {open && <TransferRows group={group} />}
    </li>
  );
}

/**
 * Reloads when the status main pushes changes, at most once per RELOAD_SPACING_MS (a study
 * download pushes its progress many times a second), and always after the last change.
 */
function useSpacedReload(reload: () => Promise<unknown>, trigger: unknown): void {
  const lastRun = useRef(0);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => {
    window.clearTimeout(timer.current);
    const wait = Math.max(0, lastRun.current + RELOAD_SPACING_MS - Date.now());
    timer.current = window.setTimeout(() => {
      lastRun.current = Date.now();
      void reload();
    }, wait);
  }, [reload, trigger]);
  useEffect(() => () => window.clearTimeout(timer.current), []);
}

export function TransfersTab() {
  const client = useClient();
  const status = useSync((state) => state.status);
  const [groups, setGroups] = useState<TransferGroup[] | null>(null);
  const [more, setMore] = useState(false);
  const [limit, setLimit] = useState(GROUPS_PAGE);
  const [problem, setProblem] = useState<string | null>(null);
  const reload = useCallback(
    () =>
      client.request('sync.transferGroups', { limit }).then(
        (listed) => {
          setGroups(listed.groups);
          setMore(listed.more);
        },
        (error: unknown) => setProblem(messageOf(error)),
      ),
    [client, limit],
  );
  useSpacedReload(reload, status);
  const act = (request: Promise<unknown>) => request.then(reload, (error: unknown) => setProblem(messageOf(error)));
  // All refused transfers, as Retry takes them all (not only those of the lines shown).
  const refused = status?.parked ?? 0;
  return (
    <div className="sync-transfers">
      {refused > 0 && (
        <button type="button" className="small primary" onClick={() => void act(client.request('sync.retry', {}))} data-testid="retry-parked">
          Retry {plural(refused, 'refused transfer', 'refused transfers')}
        </button>
      )}
      {groups && groups.length > 0 && (
        <ul className="transfer-groups" aria-label="Transfers by study">
          {groups.map((group) => (
            <TransferGroupItem
              key={keyOf(group)}
              group={group}
              onRetry={() => void act(client.request('sync.retry', { groups: [groupKey(group)] }))}
              onCancel={() => void act(client.request('sync.cancel', { groups: [groupKey(group)] }))}
              onOpenStudy={() => openStudyFromPanel(client, group.studyInstanceUid)}
            />
          ))}
        </ul>
      )}
      {more && (
        <button type="button" className="small" onClick={() => setLimit(limit + GROUPS_PAGE)}>
          Show older
        </button>
      )}
      {groups?.length === 0 && <p className="muted">Nothing has been sent or received yet.</p>}
      {problem && <p className="problem">{problem}</p>}
    </div>
  );
}
