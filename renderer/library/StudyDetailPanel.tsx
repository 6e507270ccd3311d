import { useEffect, useState } from 'react';
import { formatPersonName } from '../../shared/dicom/personName';
import { useClient } from '../api/clientContext';
import { formatBytes, messageOf, plural } from '../app/format';
import { useStudyList } from './studyListStore';

/** The selected study's series and counts, and deleting it (with confirmation). */
export function StudyDetailPanel({ studyInstanceUid }: { studyInstanceUid: string }) {
  const client = useClient();
  const { detail, setDetail, select } = useStudyList();
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    client.request('library.studyDetail', { studyInstanceUid }).then(
      (loaded) => current && setDetail(loaded),
      (error: unknown) => current && setProblem(messageOf(error)),
    );
    return () => {
      current = false;
    };
  }, [client, studyInstanceUid, setDetail]);

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
      const result = await client.request('sync.upload', { studyInstanceUid });
      setSent(result.queued > 0 ? `${plural(result.queued, 'image', 'images')} queued for the server.` : 'Already sent or queued: nothing new to send.');
    } catch (error) {
      setSent(messageOf(error));
    }
  };

  if (problem) return <p className="problem panel-body" role="alert">{problem}</p>;
  if (!detail || detail.study.studyInstanceUid !== studyInstanceUid) return <p className="muted panel-body">Loading…</p>;
  const { study, series } = detail;
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
      <div className="detail-actions">
        <span className="muted small">
          {plural(study.seriesCount, 'series', 'series')} · {plural(study.instanceCount, 'image', 'images')} · {formatBytes(study.bytes)}
        </span>
        {confirming ? (
          <span className="confirm" role="alertdialog" aria-label="Confirm deletion">
            <span>
              Delete this study of {formatPersonName(study.patientName) || 'an unnamed patient'} and its files from this workstation?
            </span>
            <button type="button" className="danger" onClick={() => void remove()}>
              Delete
            </button>
            <button type="button" onClick={() => setConfirming(false)} autoFocus>
              Keep
            </button>
          </span>
        ) : (
          <>
          <button type="button" className="small" onClick={() => void sendToServer()} title="Send this study to the default server (STOW-RS), through the sync queue" data-testid="study-upload">
            Send to server
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
    </div>
  );
}
