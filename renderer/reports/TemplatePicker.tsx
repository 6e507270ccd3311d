/**
 * Templates for the study's modality and body part first, then the rest. Applying one fills the
 * report; over text already written it asks first. The template editor saves the user's own
 * templates and edits of the shipped ones (resources/report-templates/).
 */
import { useEffect, useState } from 'react';
import type { ListedReportTemplate, ViewerStudy } from '../../shared/api';
import { useClient } from '../api/clientContext';
import { messageOf } from '../app/format';
import { useReport } from './reportDraftStore';
import { TemplateEditor } from './TemplateEditor';

/** How well a template fits the study: modality and body part both, one, or a general one. */
function fit(template: ListedReportTemplate, modalities: readonly string[], bodyParts: readonly string[]): number {
  const modality = template.modality === '' ? 1 : modalities.includes(template.modality) ? 2 : 0;
  const bodyPart = template.bodyPart === '' ? 1 : bodyParts.includes(template.bodyPart) ? 2 : 0;
  return modality === 0 ? 0 : modality + bodyPart;
}

export function TemplatePicker({ study }: { study: ViewerStudy }) {
  const client = useClient();
  const draft = useReport((state) => state.draft);
  const [templates, setTemplates] = useState<ListedReportTemplate[]>([]);
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    client.request('reports.templates', {}).then(setTemplates, (problem: unknown) => setError(messageOf(problem)));
  }, [client]);
  if (!draft) return null;
  const modalities = study.study.modalities;
  const bodyParts = study.series.map((series) => series.bodyPart.toUpperCase()).filter(Boolean);
  const ranked = [...templates].sort((a, b) => fit(b, modalities, bodyParts) - fit(a, modalities, bodyParts) || a.name.localeCompare(b.name));
  const apply = (id: string) => {
    const template = templates.find((candidate) => candidate.id === id);
    if (!template) return;
    const { findings, impression, recommendations } = draft.content;
    if ((findings || impression || recommendations) && !window.confirm(`Replace the text written so far with the “${template.name}” template?`)) return;
    useReport.getState().edit(client, { findings: template.findings, impression: template.impression, recommendations: template.recommendations, templateId: template.id });
  };
  return (
    <>
      <label className="field inline">
        <span>Template</span>
        <select value={draft.content.templateId} onChange={(event) => apply(event.target.value)} data-testid="report-template">
          <option value="">—</option>
          {ranked.map((template) => (
            <option key={template.id} value={template.id}>
              {template.name}
              {fit(template, modalities, bodyParts) >= 3 ? ' ★' : ''}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="link small" onClick={() => setEditing(true)}>
        Edit templates…
      </button>
      {error && <span className="error small">{error}</span>}
      {editing && <TemplateEditor templates={templates} onChange={setTemplates} onClose={() => setEditing(false)} />}
    </>
  );
}
