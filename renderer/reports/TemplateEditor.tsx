/** The report templates, editable: the shipped ones can be changed (and reset), new ones added. */
import { useState } from 'react';
import type { ListedReportTemplate, ReportTemplate } from '../../shared/api';
import { useClient } from '../api/clientContext';
import { messageOf } from '../app/format';

const BLANK: ReportTemplate = { id: '', name: '', modality: '', bodyPart: '', findings: '', impression: '', recommendations: '' };

/** A template id from its name: "CT Chest (contrast)" → "ct-chest-contrast". */
function idFromName(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}

export function TemplateEditor({ templates, onChange, onClose }: { templates: ListedReportTemplate[]; onChange: (templates: ListedReportTemplate[]) => void; onClose: () => void }) {
  const client = useClient();
  const [selected, setSelected] = useState<string>(templates[0]?.id ?? '');
  const [form, setForm] = useState<ReportTemplate>(() => templates[0] ?? BLANK);
  const [error, setError] = useState<string | null>(null);
  const listed = templates.find((template) => template.id === selected);
  const choose = (id: string) => {
    const template = templates.find((candidate) => candidate.id === id);
    setSelected(id);
    setForm(template ? { id: template.id, name: template.name, modality: template.modality, bodyPart: template.bodyPart, findings: template.findings, impression: template.impression, recommendations: template.recommendations } : BLANK);
    setError(null);
  };
  const save = () => {
    const template = { ...form, id: form.id || idFromName(form.name) };
    client.request('reports.saveTemplate', template).then(
      (list) => {
        onChange(list);
        setSelected(template.id);
        setForm(template);
        setError(null);
      },
      (problem: unknown) => setError(messageOf(problem)),
    );
  };
  const reset = () => {
    client.request('reports.resetTemplate', { id: selected }).then((list) => {
      onChange(list);
      const again = list.find((template) => template.id === selected);
      if (again) setForm(again);
      else choose(list[0]?.id ?? '');
    }, (problem: unknown) => setError(messageOf(problem)));
  };
  const text = (name: keyof ReportTemplate, label: string, rows = 0) => (
    <label className="field">
      <span>{label}</span>
      {rows > 0 ? (
        <textarea rows={rows} value={form[name]} onChange={(event) => setForm({ ...form, [name]: event.target.value })} />
      ) : (
        <input value={form[name]} onChange={(event) => setForm({ ...form, [name]: event.target.value })} />
      )}
    </label>
  );
  return (
    <div className="help-overlay" role="dialog" aria-modal="true" aria-label="Report templates">
      <div className="help-content template-editor">
        <div className="panel-header">
          <h2>Report templates</h2>
        </div>
        <div className="template-editor-body">
          <ul className="template-list">
            {templates.map((template) => (
              <li key={template.id}>
                <button type="button" className={`link${template.id === selected ? ' selected' : ''}`} onClick={() => choose(template.id)}>
                  {template.name}
                  {template.edited ? ' (edited)' : template.builtIn ? '' : ' (yours)'}
                </button>
              </li>
            ))}
            <li>
              <button type="button" className="link" onClick={() => choose('')}>
                + New template
              </button>
            </li>
          </ul>
          <div className="template-form">
            {text('name', 'Name')}
            <div className="report-row">
              {text('modality', 'Modality (e.g. CT; empty for any)')}
              {text('bodyPart', 'Body part (e.g. CHEST; empty for any)')}
            </div>
            {text('findings', 'Findings', 8)}
            {text('impression', 'Impression', 3)}
            {text('recommendations', 'Recommendations', 2)}
            {error && <p className="error">{error}</p>}
          </div>
        </div>
        <div className="panel-header">
          <button type="button" className="small primary" onClick={save} disabled={!form.name.trim()}>
            Save template
          </button>{' '}
          {listed && (listed.edited || !listed.builtIn) && (
            <button type="button" className="small" onClick={reset}>
              {listed.builtIn ? 'Reset to the shipped text' : 'Delete'}
            </button>
          )}{' '}
          <button type="button" className="small" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
