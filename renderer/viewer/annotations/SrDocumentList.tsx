/**
 * The study's DICOM SRs and their measurements: what other viewers (or this one, elsewhere)
 * measured. Drawable ones were restored onto the images and appear in the list above; the
 * rest are listed here with their values, and a click shows the image they name when the
 * study has it.
 */
import type { SrDocument, SrMeasurementGroup, ViewerStudy } from '../../../shared/api';
import { formatPersonName } from '../../../shared/dicom/personName';
import { imageIdFor } from '../cornerstone/imageLoading';
import { useViewer } from '../viewerStore';

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

function imageOf(study: ViewerStudy, group: SrMeasurementGroup): { seriesUid: string; imageId: string } | null {
  if (!group.image) return null;
  for (const series of study.series) {
    const instance = series.instances.find((candidate) => candidate.sopInstanceUid === group.image?.sopInstanceUid);
    if (instance && instance.frames > 0) return { seriesUid: series.seriesInstanceUid, imageId: imageIdFor(instance, group.image.frame) };
  }
  return null;
}

function describeDocument(document: SrDocument): string {
  const by = [document.observer ? formatPersonName(document.observer) : '', document.contentDate].filter(Boolean).join(', ');
  const restored = document.origin === 'ours' ? 'written here' : document.restored > 0 ? `${document.restored} restored onto the images` : '';
  return [by, restored].filter(Boolean).join(' · ');
}

function GroupItem({ study, group }: { study: ViewerStudy; group: SrMeasurementGroup }) {
  const image = imageOf(study, group);
  const title = [group.finding || group.trackingId, group.findingSite].filter(Boolean).join(' — ');
  const values = (
    <ul className="sr-values">
      {group.values.map((value, index) => (
        <li key={index}>
          {value.name}: <span className="value">{formatNumber(value.value)}</span> {value.unit}
        </li>
      ))}
    </ul>
  );
  return (
    <li data-testid="sr-group">
      {image ? (
        <button
          type="button"
          className="link"
          title="Show the image"
          onClick={() => {
            const viewer = useViewer.getState();
            viewer.showSeries(viewer.active, image.seriesUid, image.imageId);
          }}
        >
          <span className="tool">{title || 'Measurement'}</span>
        </button>
      ) : (
        <span className="tool">{title || 'Measurement'}</span>
      )}
      {values}
    </li>
  );
}

export function SrDocumentList({ study, documents: all }: { study: ViewerStudy; documents: readonly SrDocument[] }) {
  // Diagnostic reports (text, no measurements) are shown with the report, not here.
  const documents = all.filter((document) => document.groups.length > 0 || document.restored > 0 || document.sections.length === 0);
  if (documents.length === 0) return null;
  return (
    <div className="sr-documents" data-testid="sr-documents">
      <h3>From DICOM SR ({documents.length})</h3>
      {documents.map((document) => (
        <div key={document.sopInstanceUid} className="sr-document" data-testid="sr-document">
          <div>
            <strong>{document.title || 'Structured report'}</strong> <span className="muted">{describeDocument(document)}</span>
          </div>
          {document.error && (
            <p className="error" role="alert">
              {document.error}
            </p>
          )}
          {document.groups.length > 0 && (
            <ul>
              {document.groups.map((group, index) => (
                <GroupItem key={index} study={study} group={group} />
              ))}
            </ul>
          )}
        </div>
      ))}
    </div>
  );
}
