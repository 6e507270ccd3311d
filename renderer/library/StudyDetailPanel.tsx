import { useEffect, useState } from 'react';
import type { ServerSummary, StudyUpload } from '../../shared/api';
import { formatPersonName } from '../../shared/dicom/personName';
import { useClient } from '../api/clientContext';
import { formatBytes, messageOf, plural } from '../app/format';
import { useSync } from '../sync/syncStore';
import { ExportDisc } from './ExportDisc';
import { useStudyList } from './studyListStore';

/** Where the study stands with one server, in words. */
function uploadText(upload: StudyUpload): string {
  const total = upload.sent + upload.waiting + upload.refused;
  if (upload.waiting + upload.refused === 0) return `On ${upload.serverName}: ${plural(upload.sent, 'image', 'images')} sent`;
  const parts = [`${upload.sent} of ${total} sent`, upload.waiting > 0 ? `${upload.waiting} waiting` : '', upload.refused > 0 ? `${upload.refused} refused (see Transfers)` : ''];
  return `To ${upload.serverName}: ${parts.filter(Boolean).join(', ')}`;
}

/**
 * The selected study's series and counts, where it stands with the servers it was sent to,
 * exporting it as a disc, and deleting it (with confirmation, which warns when images have not
 * reached a server yet).
 */
export function StudyDetailPanel({ studyInstanceUid }: { studyInstanceUid: string }) {
  const client = useClient();
  const { detail, setDetail, select } = useStudyList();
  const syncStatus = useSync((state) => state.status);
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  // Where Send goes: the default server, or another chosen when there are several.
  const [servers, setServers] = useState<ServerSummary[]>([]);
  const [target, setTarget] = useState<string | null>(null);
  useEffect(() => {
    client.request('servers.list', {}).then(
      (listed) => {
        setServers(listed.servers);
        setTarget((current) => current ?? listed.servers.find((server) => server.isDefault)?.id ?? null);
      },
      () => setServers([]),
    );
    // Again when sync's status moves: a server added or removed changes it.
  }, [client, syncStatus]);

  useEffect(() => {
    let current = true;
    client.request('library.studyDetail', { studyInstanceUid }).then(
      (loaded) => current && setDetail(loaded),
      (error: unknown) => current && setProblem(messageOf(error)),
    );
    return () => {
      current = false;
    };
    // Again as the sync queue moves: where the study stands with its servers is shown here.
  }, [client, studyInstanceUid, setDetail, syncStatus]);

  const remove = async () => {
    try {
      await client.request('library.deleteStudy', { studyInstanceUid });
      select(null);
    } catch (error) {
      setProblem(messageOf(error));
    }
    setConfirming(false);
  };

  const sendToServer = async () => {
    try {
      const result = await client.request('sync.upload', { studyInstanceUid, ...(target ? { serverId: target } : {}) });
      setSent(result.queued > 0 ? `${plural(result.queued, 'image', 'images')} queued for the server.` : 'Already sent or queued: nothing new to send.');
    } catch (error) {
      setSent(messageOf(error));
    }
  };

  if (problem) return <p className="problem panel-body" role="alert">{problem}</p>;
  if (!detail || detail.study.studyInstanceUid !== studyInstanceUid) return <p className="muted panel-body">Loading…</p>;
  const { study, series, uploads } = detail;
  // What deleting it here would lose: images queued for a server that have not reached it.
  const notOnServer = uploads.filter((upload) => upload.waiting + upload.refused > 0);
  return (
    <div className="study-detail" data-testid="study-detail">
      <ul className="series-list" aria-label="Series">
        {series.map((item) => (
          <li key={item.seriesInstanceUid}>
            <span className="series-number">{item.seriesNumber ?? '–'}</span>
            <span className="modality">{item.modality}</span>
            <span className="grow">{item.description || <span className="muted">No description</span>}</span>
            <span className="muted">{plural(item.instanceCount, 'image', 'images')}</span>
          </li>
        ))}
      </ul>
      {uploads.length > 0 && (
        <ul className="study-uploads" aria-label="Sent to servers" data-testid="study-uploads">
          {uploads.map((upload) => (
            <li key={upload.serverId} className={upload.waiting + upload.refused > 0 ? 'unsent' : ''}>
              {uploadText(upload)}
            </li>
          ))}
        </ul>
      )}
      <div className="detail-actions">
        <span className="muted small">
          {plural(study.seriesCount, 'series', 'series')} · {plural(study.instanceCount, 'image', 'images')} · {formatBytes(study.bytes)}
        </span>
        {confirming ? (
          <span className="confirm" role="alertdialog" aria-label="Confirm deletion">
            <span>
              Delete this study of {formatPersonName(study.patientName) || 'an unnamed patient'} and its files from this workstation?
              {notOnServer.map((upload) => (
                <strong key={upload.serverId} className="warning" data-testid="delete-unsent-warning">
                  {' '}
                  {plural(upload.waiting + upload.refused, 'image has', 'images have')} not reached {upload.serverName} yet: deleting the study here loses {upload.waiting + upload.refused === 1 ? 'it' : 'them'}.
                </strong>
              ))}
            </span>
            <button type="button" className="danger" onClick={() => void remove()}>
              {notOnServer.length > 0 ? 'Delete anyway' : 'Delete'}
            </button>
            <button type="button" onClick={() => setConfirming(false)} autoFocus>
              Keep
            </button>
          </span>
        ) : (
          <>
          {servers.length > 1 && (
            <select className="small" value={target ?? ''} onChange={(event) => setTarget(event.target.value)} aria-label="Server to send to" data-testid="study-upload-server">
              {servers.map((server) => (
                <option key={server.id} value={server.id}>
                  {server.name}
                </option>
              ))}
            </select>
          )}
          <button type="button" className="small" onClick={() => void sendToServer()} title="Send this study to the server (STOW-RS), through the sync queue" data-testid="study-upload">
            {servers.length > 1 ? 'Send' : 'Send to server'}
          </button>
          <button type="button" className="small" onClick={() => setConfirming(true)}>
            Delete study…
          </button>
          </>
        )}
      </div>
      {sent && (
        <p className="muted small" role="status" data-testid="study-upload-status">
          {sent}
        </p>
      )}
      <ExportDisc studyInstanceUid={studyInstanceUid} />
    </div>
  );
}
