/**
 * A server's studies (QIDO-RS), beside the local library: which server (when there are
 * several), filters like the local list, a table of what the server holds with a mark on what
 * is here (or only partly here), and Download for reading offline. The server's first page is
 * listed as soon as the tab opens, so there is something to look at before narrowing (in the
 * server's order: QIDO-RS has no sort).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { RemoteStudy, ServerSummary } from '../../shared/api';
import { formatPersonName } from '../../shared/dicom/personName';
import { useClient } from '../api/clientContext';
import { messageOf, plural } from '../app/format';

interface RemoteFilters {
  patientName: string;
  patientId: string;
  accession: string;
  dateFrom: string;
  dateTo: string;
  modality: string;
}

const NO_FILTERS: RemoteFilters = { patientName: '', patientId: '', accession: '', dateFrom: '', dateTo: '', modality: '' };
const REMOTE_PAGE = 50;

function HereMark({ study }: { study: RemoteStudy }) {
  if (study.cached) {
    return (
      <span className="cached" data-testid="remote-cached">
        ✓ here
      </span>
    );
  }
  if (study.instancesHere > 0) {
    return (
      <span className="partly-cached" data-testid="remote-partial" title="A download was cut off or cancelled: Download fetches the rest">
        ◐ {study.instancesHere}
        {study.instanceCount !== null ? ` of ${study.instanceCount}` : ''} here
      </span>
    );
  }
  return null;
}

export function RemoteTab() {
  const client = useClient();
  const [servers, setServers] = useState<ServerSummary[] | null>(null);
  const [serverId, setServerId] = useState<string | null>(null);
  const [typedFilters, setFilters] = useState<RemoteFilters>(NO_FILTERS);
  const filters = useRef(typedFilters);
  filters.current = typedFilters;
  const [studies, setStudies] = useState<RemoteStudy[] | null>(null);
  const [more, setMore] = useState(false);
  const [searching, setSearching] = useState(false);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    client.request('servers.list', {}).then(
      (listed) => {
        setServers(listed.servers);
        setServerId((listed.servers.find((server) => server.isDefault) ?? listed.servers[0])?.id ?? null);
      },
      (error: unknown) => setMessage(messageOf(error)),
    );
  }, [client]);

  const search = useCallback(
    (offset: number) => {
      if (!serverId) return;
      setMessage(null);
      setSearching(true);
      // The filters as they are when the person searches: typing does not search.
      const typed = filters.current;
      const entries: Array<[string, string]> = Object.entries({ ...typed, modality: typed.modality.toUpperCase() });
      const query = Object.fromEntries(entries.map(([key, value]) => [key, value.trim() || undefined]));
      client
        .request('sync.searchServer', { ...query, serverId, offset, limit: REMOTE_PAGE })
        .then(
          (found) => {
            setStudies((current) => (offset === 0 || !current ? found.studies : [...current, ...found.studies]));
            setMore(found.more);
          },
          (error: unknown) => setMessage(messageOf(error)),
        )
        .finally(() => setSearching(false));
    },
    [client, serverId],
  );
  // What the server holds, as soon as the tab opens and whenever another server is chosen.
  useEffect(() => {
    setChosen(new Set());
    setStudies(null);
    search(0);
  }, [search]);

  const choose = (uid: string, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(uid);
    else next.delete(uid);
    setChosen(next);
  };
  const notHere = (studies ?? []).filter((study) => !study.cached).map((study) => study.studyInstanceUid);
  const download = () => {
    if (!serverId) return;
    client.request('sync.download', { studyInstanceUids: [...chosen], serverId }).then(
      (result) => {
        setMessage(`${plural(result.queued, 'image', 'images')} queued for download${result.alreadyQueued > 0 ? `, ${result.alreadyQueued} already queued or here` : ''}. The Transfers tab follows them.`);
        setChosen(new Set());
      },
      (error: unknown) => setMessage(messageOf(error)),
    );
  };
  const field = (name: keyof RemoteFilters, label: string, type = 'search', placeholder = '') => (
    <label className="field">
      <span>{label}</span>
      <input type={type} value={typedFilters[name]} placeholder={placeholder} onChange={(event) => setFilters({ ...typedFilters, [name]: event.target.value })} data-testid={`remote-${name}`} />
    </label>
  );

  if (servers?.length === 0) return <p className="muted">No server is set up yet: add one in the Servers tab.</p>;
  return (
    <div className="sync-remote">
      {servers && servers.length > 1 && (
        <label className="field inline">
          <span>Server</span>
          <select value={serverId ?? ''} onChange={(event) => setServerId(event.target.value)} data-testid="remote-server">
            {servers.map((server) => (
              <option key={server.id} value={server.id}>
                {server.name}
                {server.isDefault ? ' (default)' : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      <form
        className="filter-grid"
        onSubmit={(event) => {
          event.preventDefault();
          search(0);
        }}
      >
        {field('patientName', 'Patient name', 'search', 'Beginning of the name')}
        {field('patientId', 'Patient ID')}
        {field('accession', 'Accession')}
        {field('modality', 'Modality', 'search', 'CT, MR…')}
        {field('dateFrom', 'From', 'date')}
        {field('dateTo', 'To', 'date')}
        <button type="submit" className="small" disabled={!serverId} data-testid="remote-search">
          {searching ? 'Searching…' : 'Search the server'}
        </button>
      </form>
      {studies && studies.length > 0 && (
        <table className="remote-table" aria-label="Studies on the server">
          <thead>
            <tr>
              <th>
                <input
                  type="checkbox"
                  aria-label="Choose every study not here"
                  checked={notHere.length > 0 && notHere.every((uid) => chosen.has(uid))}
                  disabled={notHere.length === 0}
                  onChange={(event) => setChosen(event.target.checked ? new Set(notHere) : new Set())}
                  data-testid="remote-choose-missing"
                />
              </th>
              <th>Patient</th>
              <th>Date</th>
              <th>Modality</th>
              <th>Description</th>
              <th>Images</th>
              <th>Here</th>
            </tr>
          </thead>
          <tbody>
            {studies.map((study) => (
              <tr
                key={study.studyInstanceUid}
                className={chosen.has(study.studyInstanceUid) ? 'chosen' : ''}
                onClick={(event) => {
                  // The checkbox handles its own click; anywhere else on the row toggles it too.
                  if (!(event.target instanceof HTMLInputElement)) choose(study.studyInstanceUid, !chosen.has(study.studyInstanceUid));
                }}
                data-testid="remote-study"
              >
                <td>
                  <input type="checkbox" aria-label="Choose for download" checked={chosen.has(study.studyInstanceUid)} onChange={(event) => choose(study.studyInstanceUid, event.target.checked)} />
                </td>
                <td>
                  <strong>{formatPersonName(study.patientName) || 'No name'}</strong> <span className="muted">{study.patientId}</span>
                </td>
                <td className="study-date">{study.studyDate}</td>
                <td>{study.modalities.join('/')}</td>
                <td>{study.studyDescription}</td>
                <td className="number">{study.instanceCount ?? ''}</td>
                <td>
                  <HereMark study={study} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {studies?.length === 0 && <p className="muted">No study on the server matches.</p>}
      <div className="button-row">
        {more && studies && (
          <button type="button" className="small" onClick={() => search(studies.length)}>
            More…
          </button>
        )}
        <button type="button" className="small primary" disabled={chosen.size === 0} onClick={download} data-testid="remote-download">
          Download for offline reading ({chosen.size})
        </button>
      </div>
      {message && <p role="status">{message}</p>}
    </div>
  );
}
