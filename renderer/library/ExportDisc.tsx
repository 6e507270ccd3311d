/**
 * "Export as disc…": the study written into a folder as a DICOM disc (its files and a DICOMDIR),
 * for the patient's CD or USB stick or another hospital. In Electron the folder is chosen in the
 * native dialog; in the browser host its path is typed. The patient's other studies here may go
 * on the same disc. What was written, and anything left out with why, is said afterwards.
 */
import { type FormEvent, useEffect, useState } from 'react';
import type { ExportSummary, StudySummary } from '../../shared/api';
import { useClient } from '../api/clientContext';
import { formatBytes, messageOf, plural } from '../app/format';
import { useAppStore } from '../state/appStore';

function outcomeText(summary: ExportSummary): string {
  const studies = summary.studies > 1 ? `${plural(summary.studies, 'study', 'studies')}, ` : '';
  const written = `Exported ${studies}${plural(summary.exported, 'image', 'images')} (${formatBytes(summary.bytes)}) with a DICOMDIR: the folder is ready to burn or copy as it is.`;
  if (summary.leftOut.length === 0) return written;
  const reasons = [...new Set(summary.leftOut.map((entry) => entry.reason))];
  return `${written} ${plural(summary.leftOut.length, 'instance was', 'instances were')} left out: ${reasons.join('; ')}.`;
}

export function ExportDisc({ studyInstanceUid }: { studyInstanceUid: string }) {
  const client = useClient();
  const native = useAppStore((state) => state.info?.capabilities.nativeFileDialogs ?? false);
  const [open, setOpen] = useState(false);
  const [folder, setFolder] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ text: string; failed: boolean } | null>(null);
  // The patient's other studies here: a patient asking for their images usually wants them all.
  const [others, setOthers] = useState<StudySummary[]>([]);
  const [withOthers, setWithOthers] = useState(false);
  useEffect(() => {
    let current = true;
    setWithOthers(false);
    client.request('library.priorStudies', { studyInstanceUid }).then(
      (found) => current && setOthers(found.studies),
      () => current && setOthers([]),
    );
    return () => {
      current = false;
    };
  }, [client, studyInstanceUid]);
  const studyInstanceUids = [studyInstanceUid, ...(withOthers ? others.map((study) => study.studyInstanceUid) : [])];

  const run = async (request: () => Promise<ExportSummary | null>) => {
    setBusy(true);
    setOutcome(null);
    try {
      const summary = await request();
      if (summary) {
        setOutcome({ text: outcomeText(summary), failed: false });
        setOpen(false);
      }
    } catch (error) {
      setOutcome({ text: messageOf(error), failed: true });
    } finally {
      setBusy(false);
    }
  };
  const exportTyped = (event: FormEvent) => {
    event.preventDefault();
    void run(() => client.request('library.exportStudies', { studyInstanceUids, folder: folder.trim() }));
  };
  const start = () => {
    if (native) void run(() => client.request('library.exportStudiesChoose', { studyInstanceUids }));
    else setOpen(true);
  };

  return (
    <div className="export-disc">
      {open ? (
        <form className="path-form" onSubmit={exportTyped}>
          <label className="field">
            <span>Export as a DICOM disc into the folder (empty, or new)</span>
            <input value={folder} onChange={(event) => setFolder(event.target.value)} placeholder="/media/usb/patient-disc" spellCheck={false} autoFocus data-testid="export-path" />
          </label>
          <button type="submit" className="primary small" disabled={busy || folder.trim() === ''}>
            {busy ? 'Exporting…' : 'Export'}
          </button>
          <button type="button" className="small" onClick={() => setOpen(false)} disabled={busy}>
            Cancel
          </button>
        </form>
      ) : (
        <button type="button" className="small" onClick={start} disabled={busy} title="Copy this study into a folder as a DICOM disc, with a DICOMDIR (for a CD, a USB stick, another hospital)" data-testid="export-disc">
          {busy ? 'Exporting…' : 'Export as disc…'}
        </button>
      )}
      {others.length > 0 && (
        <label className="small export-with-others">
          <input type="checkbox" checked={withOthers} onChange={(event) => setWithOthers(event.target.checked)} disabled={busy} data-testid="export-with-others" />
          With the patient’s {plural(others.length, 'other study', 'other studies')} ({others.map((study) => study.studyDate || 'no date').join(', ')})
        </label>
      )}
      {outcome && (
        <p className={outcome.failed ? 'problem small' : 'muted small'} role={outcome.failed ? 'alert' : 'status'} data-testid="export-outcome">
          {outcome.text}
        </p>
      )}
    </div>
  );
}
