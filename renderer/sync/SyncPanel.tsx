/**
 * The sync panel: servers (add, change, test the connection), a server's studies (RemoteTab),
 * and the transfer queue by study (TransfersTab).
 */
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { ConnectionCheck, ServerAuth, ServerSummary } from '../../shared/api';
import { useClient } from '../api/clientContext';
import { messageOf } from '../app/format';
import { type SyncTab, useSync } from './syncStore';
import { RemoteTab } from './RemoteTab';
import { TransfersTab } from './TransfersTab';

interface ServerForm {
  id?: string;
  name: string;
  baseUrl: string;
  auth: ServerAuth;
  username: string;
  secret: string;
  isDefault: boolean;
  autoUpload: boolean;
  /** Studies of the last N days downloaded by themselves; 0 is off. */
  autoDownloadDays: number;
  /** With each, the patient's N most recent earlier studies. */
  autoDownloadPriors: number;
}

const NEW_SERVER: ServerForm = { name: '', baseUrl: '', auth: 'none', username: '', secret: '', isDefault: false, autoUpload: false, autoDownloadDays: 0, autoDownloadPriors: 0 };

function ServersTab() {
  const client = useClient();
  const setConfigured = useSync((state) => state.setConfigured);
  const [servers, setServers] = useState<ServerSummary[]>([]);
  const [note, setNote] = useState('');
  const [form, setForm] = useState<ServerForm | null>(null);
  const [checks, setChecks] = useState<Record<string, ConnectionCheck | 'testing'>>({});
  const [problem, setProblem] = useState<string | null>(null);

  const reload = useCallback(() => {
    client.request('servers.list', {}).then(
      (listed) => {
        setServers(listed.servers);
        setNote(listed.secretStorage.note);
        setConfigured(listed.servers.length > 0);
      },
      (error: unknown) => setProblem(messageOf(error)),
    );
  }, [client, setConfigured]);
  useEffect(reload, [reload]);

  const test = (id: string) => {
    setChecks((current) => ({ ...current, [id]: 'testing' }));
    client.request('servers.test', { id }).then(
      (check) => setChecks((current) => ({ ...current, [id]: check })),
      (error: unknown) => setChecks((current) => ({ ...current, [id]: { ok: false, stage: 'network', message: messageOf(error) } })),
    );
  };
  const save = (event: FormEvent) => {
    event.preventDefault();
    if (!form) return;
    const { secret, ...rest } = form;
    // An empty secret field on an existing server keeps the stored secret.
    const input = { ...rest, ...(secret || !form.id ? { secret } : {}) };
    client.request('servers.save', input).then(
      (saved) => {
        setForm(null);
        setProblem(null);
        reload();
        test(saved.id);
      },
      (error: unknown) => setProblem(messageOf(error)),
    );
  };
  /** Trusts the certificate the test showed (main checks the server still presents it), or forgets it (null). */
  const trustCertificate = (id: string, sha256: string | null) => {
    client.request('servers.trustCertificate', { id, sha256 }).then(
      () => {
        setProblem(null);
        reload();
        if (sha256) test(id);
        else setChecks(({ [id]: _forgotten, ...others }) => others);
      },
      (error: unknown) => setProblem(messageOf(error)),
    );
  };
  const remove = (id: string) => {
    client.request('servers.delete', { id }).then(reload, (error: unknown) => setProblem(messageOf(error)));
  };

  return (
    <div className="sync-servers">
      {servers.length === 0 && !form && <p className="muted">No server yet. Add the DICOMweb address of your archive (for Orthanc: http://host:8042/dicom-web).</p>}
      <ul className="server-list">
        {servers.map((server) => {
          const check = checks[server.id];
          return (
            <li key={server.id} data-testid="server-item">
              <div>
                <strong>{server.name}</strong> {server.isDefault && <span className="muted">(default)</span>} <span className="muted">{server.baseUrl}</span>
              </div>
              <div className="muted small">
                {server.auth === 'none' ? 'No authentication' : server.auth === 'basic' ? `Basic, user ${server.username}` : 'Bearer token'}
                {server.auth !== 'none' && !server.hasSecret ? ' — no secret stored' : ''}
                {server.autoUpload ? ' · sends imports automatically' : ''}
                {server.autoDownloadDays > 0 ? ` · downloads studies of the last ${server.autoDownloadDays === 1 ? 'day' : `${server.autoDownloadDays} days`} by itself` : ''}
                {server.autoDownloadDays > 0 && server.autoDownloadPriors > 0 ? `, with ${server.autoDownloadPriors === 1 ? 'the latest prior' : `the ${server.autoDownloadPriors} latest priors`}` : ''}
                {server.lastSuccessAt ? ` · last reached ${new Date(server.lastSuccessAt).toLocaleString('en-GB')}` : ''}
              </div>
              {server.trustedCertificate && (
                <div className="muted small" data-testid="server-trusted-certificate">
                  Trusts its own certificate {server.trustedCertificate.subject}, SHA-256 <span className="fingerprint">{server.trustedCertificate.sha256}</span>{' '}
                  <button type="button" className="small" onClick={() => trustCertificate(server.id, null)}>
                    Forget certificate
                  </button>
                </div>
              )}
              <div className="button-row">
                <button type="button" className="small" onClick={() => test(server.id)} data-testid="server-test">
                  Test connection
                </button>
                <button
                  type="button"
                  className="small"
                  onClick={() => setForm({ id: server.id, name: server.name, baseUrl: server.baseUrl, auth: server.auth, username: server.username, secret: '', isDefault: server.isDefault, autoUpload: server.autoUpload, autoDownloadDays: server.autoDownloadDays, autoDownloadPriors: server.autoDownloadPriors })}
                >
                  Change…
                </button>
                <button type="button" className="small" onClick={() => remove(server.id)}>
                  Remove
                </button>
              </div>
              {check && (
                <p className={check === 'testing' ? 'muted' : check.ok ? 'ok' : 'problem'} role="status" data-testid="server-check">
                  {check === 'testing' ? 'Testing…' : check.message}
                </p>
              )}
              {check && check !== 'testing' && check.certificate && (
                <div className="certificate" data-testid="server-certificate">
                  <dl>
                    <dt>Made out to</dt>
                    <dd>{check.certificate.subject}</dd>
                    <dt>By</dt>
                    <dd>{check.certificate.issuer}</dd>
                    <dt>Valid</dt>
                    <dd>
                      {check.certificate.validFrom.slice(0, 10)} to {check.certificate.validTo.slice(0, 10)}
                    </dd>
                    <dt>SHA-256</dt>
                    <dd className="fingerprint" data-testid="server-certificate-sha256">
                      {check.certificate.sha256}
                    </dd>
                  </dl>
                  {check.certificate.trustable && (
                    <button type="button" className="small" onClick={() => check.certificate && trustCertificate(server.id, check.certificate.sha256)} data-testid="server-trust-certificate">
                      Trust this certificate for {server.name}
                    </button>
                  )}
                </div>
              )}
            </li>
          );
        })}
      </ul>
      {form ? (
        <form className="server-form" onSubmit={save} aria-label="Server">
          <label className="field">
            <span>Name</span>
            <input value={form.name} onChange={(event) => setForm({ ...form, name: event.target.value })} required data-testid="server-name" />
          </label>
          <label className="field">
            <span>DICOMweb address</span>
            <input value={form.baseUrl} onChange={(event) => setForm({ ...form, baseUrl: event.target.value })} placeholder="https://pacs.example/dicom-web" required data-testid="server-url" />
          </label>
          <label className="field">
            <span>Authentication</span>
            <select value={form.auth} onChange={(event) => setForm({ ...form, auth: event.target.value as ServerAuth })} data-testid="server-auth">
              <option value="none">None</option>
              <option value="basic">User name and password (Basic)</option>
              <option value="bearer">Token (Bearer)</option>
            </select>
          </label>
          {form.auth === 'basic' && (
            <label className="field">
              <span>User name</span>
              <input value={form.username} onChange={(event) => setForm({ ...form, username: event.target.value })} autoComplete="off" data-testid="server-username" />
            </label>
          )}
          {form.auth !== 'none' && (
            <label className="field">
              <span>{form.auth === 'basic' ? 'Password' : 'Token'}</span>
              <input type="password" value={form.secret} onChange={(event) => setForm({ ...form, secret: event.target.value })} placeholder={form.id ? 'unchanged' : ''} autoComplete="new-password" data-testid="server-secret" />
            </label>
          )}
          <label className="check">
            <input type="checkbox" checked={form.isDefault} onChange={(event) => setForm({ ...form, isDefault: event.target.checked })} /> Default server
          </label>
          <label className="check">
            <input type="checkbox" checked={form.autoUpload} onChange={(event) => setForm({ ...form, autoUpload: event.target.checked })} /> Send every import to this server automatically
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={form.autoDownloadDays > 0}
              onChange={(event) => setForm({ ...form, autoDownloadDays: event.target.checked ? 2 : 0 })}
              data-testid="server-auto-download"
            />{' '}
            Download new studies for reading offline by themselves: those of the last{' '}
            <input
              type="number"
              min={1}
              max={3650}
              value={form.autoDownloadDays || 2}
              disabled={form.autoDownloadDays === 0}
              onChange={(event) => setForm({ ...form, autoDownloadDays: Math.min(3650, Math.max(1, Math.round(Number(event.target.value) || 1))) })}
              aria-label="Days"
              className="days"
              data-testid="server-auto-download-days"
            />{' '}
            days (checked every 5 minutes; a study deleted here is not fetched again by itself)
          </label>
          <label className="check indent">
            With each, the patient's{' '}
            <input
              type="number"
              min={0}
              max={10}
              value={form.autoDownloadPriors}
              disabled={form.autoDownloadDays === 0}
              onChange={(event) => setForm({ ...form, autoDownloadPriors: Math.min(10, Math.max(0, Math.round(Number(event.target.value) || 0))) })}
              aria-label="Priors"
              className="days"
              data-testid="server-auto-download-priors"
            />{' '}
            most recent earlier studies on the server (priors to compare with)
          </label>
          <p className="muted small">{note}</p>
          <div className="button-row">
            <button type="submit" className="small primary" data-testid="server-save">
              Save and test
            </button>
            <button type="button" className="small" onClick={() => setForm(null)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <button type="button" className="small" onClick={() => setForm(NEW_SERVER)} data-testid="server-add">
          Add server…
        </button>
      )}
      {problem && (
        <p className="problem" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}

const TABS: Array<[SyncTab, string]> = [
  ['servers', 'Servers'],
  ['remote', 'Server studies'],
  ['transfers', 'Transfers'],
];

export function SyncPanel() {
  const panel = useSync((state) => state.panel);
  const openPanel = useSync((state) => state.openPanel);
  if (!panel) return null;
  return (
    <section className="import-panel sync-panel" aria-label="Sync" data-testid="sync-panel">
      <header className="panel-header">
        <h2>Sync</h2>
        <div className="button-row" role="tablist">
          {TABS.map(([tab, label]) => (
            <button key={tab} type="button" role="tab" aria-selected={panel === tab} className={`small${panel === tab ? ' pressed' : ''}`} onClick={() => openPanel(tab)} data-testid={`sync-tab-${tab}`}>
              {label}
            </button>
          ))}
        </div>
        <button type="button" className="small" aria-label="Close sync" onClick={() => openPanel(null)}>
          ✕
        </button>
      </header>
      <div className="panel-body">
        {panel === 'servers' && <ServersTab />}
        {panel === 'remote' && <RemoteTab />}
        {panel === 'transfers' && <TransfersTab />}
      </div>
    </section>
  );
}
