/** The open study's measurements with their values; a click shows the image it is on. */
import { useState } from 'react';
import type { AnnotationTool, StoredAnnotation, ViewerStudy } from '../../../shared/api';
import { messageOf } from '../../app/format';
import { useClient } from '../../api/clientContext';
import { imageIdFor } from '../cornerstone/imageLoading';
import { useReport } from '../../reports/reportDraftStore';
import { useViewer } from '../viewerStore';
import { useAnnotations } from './annotationStore';
import { deleteAnnotation } from './annotationSync';
import { SrDocumentList } from './SrDocumentList';

export const TOOL_LABELS: Readonly<Record<AnnotationTool, string>> = {
  length: 'Length',
  angle: 'Angle',
  cobbAngle: 'Cobb angle',
  ellipseRoi: 'Ellipse ROI',
  rectangleRoi: 'Rectangle ROI',
  arrow: 'Arrow',
  probe: 'Probe',
};

function formatValue(value: number, unit: string): string {
  const digits = Math.abs(value) >= 100 ? 1 : 2;
  return `${value.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
}

/** The one line a reader scans for: length, angle, area and mean, pixel value, or the text. */
export function summarise(annotation: StoredAnnotation): string {
  const m = annotation.measurement;
  const parts: string[] = [];
  for (const name of ['length', 'angle', 'area', 'mean', 'stdDev', 'value']) {
    const entry = m[name];
    if (entry) parts.push(`${name === 'stdDev' ? '±' : ''}${formatValue(entry.value, entry.unit)}`);
  }
  if (annotation.label) parts.push(`“${annotation.label}”`);
  if (annotation.calibration === 'uncalibrated' && (m['length'] || m['area'])) parts.push('uncalibrated');
  if (annotation.calibration === 'imager-pixel-spacing' && (m['length'] || m['area'])) parts.push('at detector');
  return parts.join(' ');
}

function imagePosition(study: ViewerStudy, annotation: StoredAnnotation): { seriesUid: string; imageId: string; label: string } | null {
  for (const series of study.series) {
    const instance = series.instances.find((candidate) => candidate.sopInstanceUid === annotation.sopInstanceUid);
    if (!instance) continue;
    return {
      seriesUid: series.seriesInstanceUid,
      imageId: imageIdFor(instance, annotation.frame),
      label: `Se ${series.seriesNumber ?? '–'} · Im ${instance.instanceNumber ?? '?'}${instance.frames > 1 ? ` · Fr ${annotation.frame + 1}` : ''}`,
    };
  }
  return null;
}

export function AnnotationPanel() {
  const client = useClient();
  const study = useViewer((state) => state.study);
  const annotations = useAnnotations((state) => state.annotations);
  const keyImages = useAnnotations((state) => state.keyImages);
  const error = useAnnotations((state) => state.error);
  const srDocuments = useAnnotations((state) => state.srDocuments);
  const reportEditable = useReport((state) => state.draft !== null && state.panelOpen);
  const [exported, setExported] = useState<string | null>(null);
  if (!study) return null;
  const exportReport = () => {
    setExported('Writing the report…');
    client.request('annotations.exportSr', { studyInstanceUid: study.study.studyInstanceUid }).then(
      (result) => {
        void useAnnotations.getState().refreshSrDocuments(client);
        setExported(
          `Saved in the study as a DICOM SR (series “Measurements”) with ${result.measurements} measurement${result.measurements === 1 ? '' : 's'}${result.leftOut > 0 ? `; ${result.leftOut} probe value${result.leftOut === 1 ? '' : 's'} left out` : ''}.`,
        );
      },
      (problem: unknown) => setExported(`No report: ${messageOf(problem)}`),
    );
  };
  return (
    <section className="annotation-panel" aria-label="Measurements" data-testid="annotation-panel">
      <h3>
        Measurements ({annotations.length}){keyImages.length > 0 ? ` · ★ ${keyImages.length}` : ''}
      </h3>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <ul>
        {annotations.map((annotation) => {
          const position = imagePosition(study, annotation);
          return (
            <li key={annotation.id} data-testid="annotation-item">
              <button
                type="button"
                className="link"
                onClick={() => {
                  if (!position) return;
                  const viewer = useViewer.getState();
                  viewer.showSeries(viewer.active, position.seriesUid, position.imageId);
                }}
                title="Show the image"
              >
                <span className="tool">{TOOL_LABELS[annotation.tool]}</span> <span className="value">{summarise(annotation)}</span>
                <span className="muted"> {position?.label ?? ''}</span>
              </button>
              {reportEditable && (
                <button
                  type="button"
                  className="link insert"
                  aria-label={`Insert ${TOOL_LABELS[annotation.tool]} into the report`}
                  title="Insert into the report at the cursor"
                  onClick={() => useReport.getState().insertText(client, `${TOOL_LABELS[annotation.tool]} ${summarise(annotation)}${position ? ` (${position.label})` : ''}`)}
                >
                  ↳
                </button>
              )}
              <button type="button" className="link delete" aria-label={`Delete ${TOOL_LABELS[annotation.tool]}`} title="Delete" onClick={() => void deleteAnnotation(client, annotation.id)}>
                ×
              </button>
            </li>
          );
        })}
      </ul>
      {annotations.length > 0 && (
        <button type="button" className="small" onClick={exportReport} title="Write the measurements into the study as a DICOM Structured Report (TID 1500)">
          Save as DICOM SR
        </button>
      )}
      {exported && (
        <p className="muted" role="status" data-testid="sr-export-status">
          {exported}
        </p>
      )}
      <SrDocumentList study={study} documents={srDocuments} />
    </section>
  );
}
