/**
 * Importing, as a technician sees it: where to import from, a progress panel while it runs
 * (files, megabytes, rate, time left, Cancel), and a summary that names every file left out
 * and why, with a way to copy that list into a ticket or an e-mail.
 */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { ImportProgress, ImportSummary } from '../../shared/api';
import { formatPersonName } from '../../shared/dicom/personName';
import { useClient } from '../api/clientContext';
import { asSentence, formatBytes, formatDuration, messageOf, plural } from '../app/format';
import { openStudyFromPanel } from '../app/panels';
import { useAppStore } from '../state/appStore';
import { useImport } from './importStore';

function ImportSource() {
  const client = useClient();
  const info = useAppStore((state) => state.info);
  const { setError } = useImport();
  const [path, setPath] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  const start = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await client.request('import.start', { paths: [path.trim()] });
    } catch (error) {
      setError(messageOf(error));
    }
  };
  const choose = async (kind: 'folder' | 'files') => {
    setError(null);
    try {
      await client.request('import.choose', { kind });
    } catch (error) {
      setError(messageOf(error));
    }
  };

  return (
    <div className="import-source">
      {info?.capabilities.nativeFileDialogs && (
        <div className="button-row">
          <button type="button" className="primary" onClick={() => void choose('folder')}>
            Import folder…
          </button>
          <button type="button" onClick={() => void choose('files')}>
            Import files…
          </button>
        </div>
      )}
      <form onSubmit={(event) => void start(event)} className="path-form">
        <label className="field">
          <span>Folder or file on this computer</span>
          <input ref={input} value={path} onChange={(event) => setPath(event.target.value)} placeholder="/media/cdrom  or  /home/tech/export" spellCheck={false} data-testid="import-path" />
        </label>
        <button type="submit" className={info?.capabilities.nativeFileDialogs ? '' : 'primary'} disabled={path.trim() === ''}>
          Import
        </button>
      </form>
      <p className="muted small">
        Folders are searched through; a disc with a DICOMDIR is read through it. You can also drop files and folders onto the window.
      </p>
    </div>
  );
}

function ProgressView({ progress }: { progress: ImportProgress }) {
  const client = useClient();
  const [cancelling, setCancelling] = useState(false);
  const fraction = progress.bytesTotal > 0 ? progress.bytesDone / progress.bytesTotal : 0;
  return (
    <div className="import-progress" data-testid="import-progress">
      <p className="import-title">{progress.phase === 'waiting' ? 'Waiting for a download to finish…' : progress.phase === 'discovering' ? 'Looking for files…' : 'Importing…'}</p>
      <progress max={1} value={fraction} aria-label="Import progress" />
      <p className="small" role="status">
        {progress.filesDone.toLocaleString('en')} of {plural(progress.filesTotal, 'file', 'files')} · {formatBytes(progress.bytesDone)} of {formatBytes(progress.bytesTotal)}
        {progress.bytesPerSecond > 0 && ` · ${formatBytes(progress.bytesPerSecond)}/s`}
        {progress.etaSeconds !== null && progress.filesDone < progress.filesTotal && ` · about ${formatDuration(progress.etaSeconds)} left`}
      </p>
      <p className="muted small">
        {plural(progress.imported, 'new image', 'new images')} · {progress.alreadyPresent.toLocaleString('en')} already in library · {progress.skipped.toLocaleString('en')} skipped
      </p>
      {progress.roomBytes !== null && progress.bytesTotal > progress.roomBytes && (
        <p className="problem small" role="status" data-testid="import-room-warning">
          May not fit: {formatBytes(progress.bytesTotal)} to import and room for {formatBytes(progress.roomBytes)} on the library’s disk. The import stops when it is full, keeping what it took (files already in the library take no room).
        </p>
      )}
      <button
        type="button"
        disabled={cancelling}
        onClick={() => {
          setCancelling(true);
          void client.request('import.cancel', { jobId: progress.jobId });
        }}
      >
        {cancelling ? 'Cancelling…' : 'Cancel'}
      </button>
    </div>
  );
}

const outcomeTitle: Record<ImportSummary['phase'], string> = {
  finished: 'Import finished',
  cancelled: 'Import cancelled',
  failed: 'Import stopped by an error',
  waiting: 'Import',
  discovering: 'Import',
  importing: 'Import',
};

function SummaryView({ summary }: { summary: ImportSummary }) {
  const client = useClient();
  const dismiss = useImport((state) => state.dismiss);
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(summary.skipped.map((file) => `${file.file}\t${file.reason}`).join('\n'));
    setCopied(true);
  };
  return (
    <div className="import-summary" data-testid="import-summary">
      <p className="import-title">{outcomeTitle[summary.phase]}</p>
      {summary.error && (
        <p className="problem" role="alert">
          {asSentence(summary.error)}
        </p>
      )}
      <dl className="counts">
        <div>
          <dt>Imported</dt>
          <dd data-testid="summary-imported">{summary.imported.toLocaleString('en')}</dd>
        </div>
        <div>
          <dt>Already in library</dt>
          <dd data-testid="summary-already">{summary.alreadyPresent.toLocaleString('en')}</dd>
        </div>
        <div>
          <dt>Skipped</dt>
          <dd data-testid="summary-skipped">{summary.skipped.length.toLocaleString('en')}</dd>
        </div>
        {summary.notImported > 0 && (
          <div>
            <dt>Not imported</dt>
            <dd data-testid="summary-not-imported">{summary.notImported.toLocaleString('en')}</dd>
          </div>
        )}
        <div>
          <dt>Studies</dt>
          <dd>{summary.studies.toLocaleString('en')}</dd>
        </div>
      </dl>
      {summary.notImported > 0 && (
        <p className="muted" data-testid="not-imported-hint">
          {plural(summary.notImported, 'file was', 'files were')} not imported because the import stopped. Import the same folder again to take {summary.notImported === 1 ? 'it' : 'them'}: what is already in the library is not copied twice.
        </p>
      )}
      {summary.studyList.length > 0 && (
        <ul className="import-studies" aria-label="Studies imported" data-testid="import-studies">
          {summary.studyList.map((study) => (
            <li key={study.studyInstanceUid} data-testid="import-study">
              <span className="grow">
                <strong>{formatPersonName(study.patientName) || 'No name'}</strong> {[study.patientId, study.studyDate, study.modalities.join('/'), study.studyDescription, plural(study.instanceCount, 'image', 'images')].filter(Boolean).join(' · ')}
              </span>
              <button type="button" className="small" onClick={() => openStudyFromPanel(client, study.studyInstanceUid)}>
                Open
              </button>
            </li>
          ))}
          {summary.studies > summary.studyList.length && <li className="muted">and {plural(summary.studies - summary.studyList.length, 'more study', 'more studies')}: find them in the study list</li>}
        </ul>
      )}
      {summary.skipped.length > 0 && (
        <>
          <ul className="skipped-list" aria-label="Skipped files" data-testid="skipped-list">
            {summary.skipped.map((file) => (
              <li key={file.file}>
                <span className="file">{file.file}</span>
                <span className="reason">{file.reason}</span>
              </li>
            ))}
          </ul>
          <button type="button" onClick={() => void copy()}>
            {copied ? 'Copied' : 'Copy list'}
          </button>
        </>
      )}
      <button
        type="button"
        className="primary"
        onClick={dismiss}
      >
        Done
      </button>
    </div>
  );
}

export function ImportPanel() {
  const { open, progress, summary, error, upload, dismiss } = useImport();
  if (!open && !progress && !summary && !upload) return null;
  const busy = progress !== null || upload !== null;
  return (
    <section className="import-panel" aria-label="Import" data-testid="import-panel">
      <header className="panel-header">
        <h2>Import</h2>
        {!busy && (
          <button
            type="button"
            className="small"
            aria-label="Close import"
            onClick={dismiss}
          >
            ✕
          </button>
        )}
      </header>
      <div className="panel-body">
        {upload && !progress && <p role="status">Receiving dropped files: {upload.done.toLocaleString('en')} of {plural(upload.total, 'file', 'files')}…</p>}
        {progress ? <ProgressView progress={progress} /> : summary ? <SummaryView summary={summary} /> : !upload && <ImportSource />}
        {error && (
          <p className="problem" role="alert">
            {error}
          </p>
        )}
      </div>
    </section>
  );
}
