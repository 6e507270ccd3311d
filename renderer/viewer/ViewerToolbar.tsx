/** The viewer's toolbar: layout, window (editable, with presets), cine, view operations, help. */
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { presetsFor } from '../../shared/viewer/windowPresets';
import type { AnnotationTool } from '../../shared/api';
import { useClient } from '../api/clientContext';
import { useReport } from '../reports/reportDraftStore';
import { useAnnotations } from './annotations/annotationStore';
import { TOOL_LABELS } from './annotations/AnnotationPanel';
import type { ViewerCommand } from './bindings';
import type { ImageWindow } from './cornerstone/imageInfo';
import { formatWindowValue } from './overlayText';
import { applyPreset, runViewerCommand } from './viewerCommands';
import type { SlabMode } from './volumeGeometry';
import { LAYOUTS, type Layout, useViewer } from './viewerStore';
import { viewportRegistry } from './viewportRegistry';

function WindowEditor() {
  // Only what the editor shows: the snapshot itself changes every frame while scrolling.
  const active = useViewer((state) => state.active);
  const shownWidth = useViewer((state) => {
    const voi = state.snapshots[state.active]?.voi;
    return voi ? formatWindowValue(voi.windowWidth) : '';
  });
  const shownCenter = useViewer((state) => {
    const voi = state.snapshots[state.active]?.voi;
    return voi ? formatWindowValue(voi.windowCenter) : '';
  });
  const modality = useViewer((state) => state.snapshots[state.active]?.info?.modality ?? '');
  const windowsKey = useViewer((state) => JSON.stringify(state.snapshots[state.active]?.info?.windows ?? []));
  const ownWindows = useMemo(() => JSON.parse(windowsKey) as ImageWindow[], [windowsKey]);
  const voi = shownWidth !== '';
  const [width, setWidth] = useState('');
  const [center, setCenter] = useState('');
  // The fields follow the viewport (drags, presets) until the person types in them.
  useEffect(() => setWidth(shownWidth), [shownWidth]);
  useEffect(() => setCenter(shownCenter), [shownCenter]);

  const presets = presetsFor(modality);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const w = Number.parseFloat(width);
    const c = Number.parseFloat(center);
    if (Number.isFinite(w) && w > 0 && Number.isFinite(c)) viewportRegistry.get(active)?.setWindow(w, c);
    // After Enter, the keys belong to the image again (arrows scroll, Escape resets).
    if (event.type === 'submit') document.querySelector<HTMLElement>('.viewport.active .viewport-element')?.focus();
  };
  const onPreset = (value: string) => {
    if (value === 'auto') viewportRegistry.get(active)?.useAutoWindow();
    else if (value.startsWith('own:')) {
      const own = ownWindows[Number(value.slice(4))];
      if (own) viewportRegistry.get(active)?.setWindow(own.width, own.center, own.name);
    } else if (value.startsWith('preset:')) applyPreset(Number(value.slice(7)));
  };

  return (
    <form className="window-editor" onSubmit={onSubmit} aria-label="Window">
      <label className="field inline">
        W
        <input aria-label="Window width" inputMode="decimal" value={width} onChange={(e) => setWidth(e.target.value)} onBlur={onSubmit} disabled={!voi} size={6} />
      </label>
      <label className="field inline">
        L
        <input aria-label="Window center" inputMode="decimal" value={center} onChange={(e) => setCenter(e.target.value)} onBlur={onSubmit} disabled={!voi} size={6} />
      </label>
      <select aria-label="Window presets" value="" onChange={(e) => onPreset(e.target.value)} disabled={!voi}>
        <option value="">Presets…</option>
        {ownWindows.map((w, i) => (
          <option key={`own-${w.name}-${i}`} value={`own:${i}`}>
            {w.name} ({formatWindowValue(w.width)}/{formatWindowValue(w.center)}){i === 0 ? ' — key 0' : ''}
          </option>
        ))}
        <option value="auto">Automatic (pixel range) — key W</option>
        {presets.map((p, i) => (
          <option key={p.name} value={`preset:${i + 1}`}>
            {i + 1} {p.name} ({p.width}/{p.center})
          </option>
        ))}
      </select>
      <button type="submit" hidden>
        Apply
      </button>
    </form>
  );
}

function CommandButton({ command, label, title }: { command: ViewerCommand; label: string; title: string }) {
  return (
    <button type="button" className="small" title={title} aria-label={title} onClick={() => runViewerCommand(command)}>
      {label}
    </button>
  );
}

const DRAWING_TOOLS: ReadonlyArray<{ tool: AnnotationTool; short: string; key: string }> = [
  { tool: 'length', short: 'Len', key: 'L' },
  { tool: 'angle', short: 'Ang', key: 'G' },
  { tool: 'cobbAngle', short: 'Cobb', key: 'C' },
  { tool: 'ellipseRoi', short: '◯', key: 'E' },
  { tool: 'rectangleRoi', short: '▭', key: 'T' },
  { tool: 'arrow', short: '➚', key: 'N' },
  { tool: 'probe', short: 'Px', key: 'D' },
];

function DrawingTools() {
  const drawing = useAnnotations((state) => state.drawingTool);
  const client = useClient();
  return (
    <div className="group" role="group" aria-label="Measure">
      {DRAWING_TOOLS.map(({ tool, short, key }) => (
        <button
          key={tool}
          type="button"
          className={`small${drawing === tool ? ' pressed' : ''}`}
          aria-pressed={drawing === tool}
          aria-label={`Draw ${TOOL_LABELS[tool]} (${key})`}
          title={`${TOOL_LABELS[tool]} (${key})`}
          onClick={() => runViewerCommand(`draw-${tool}`)}
        >
          {short}
        </button>
      ))}
      <button type="button" className="small" aria-label="Key image (K)" title="Flag the image as key (K)" onClick={() => runViewerCommand('toggleKeyImage', client)}>
        ★
      </button>
    </div>
  );
}

const SLAB_THICKNESSES_MM = [0, 5, 10, 20, 40] as const;
const SLAB_MODES: ReadonlyArray<{ mode: SlabMode; label: string }> = [
  { mode: 'mip', label: 'MIP' },
  { mode: 'minip', label: 'MinIP' },
  { mode: 'mean', label: 'Mean' },
];

/** The MPR's slab: how thick (the nearest odd number of images to it) and how its images combine. */
function SlabControls() {
  const slab = useViewer((state) => state.slab);
  const set = (thicknessMm: number, mode: SlabMode) => {
    useViewer.getState().setSlab(thicknessMm, mode);
    // The keys go back to the images (arrows scroll, not change the slab).
    document.querySelector<HTMLElement>('.viewport.active .viewport-element')?.focus();
  };
  return (
    <>
      <label className="field inline">
        Slab
        <select aria-label="Slab thickness" value={slab.thicknessMm} onChange={(event) => set(Number(event.target.value), slab.mode)}>
          {SLAB_THICKNESSES_MM.map((mm) => (
            <option key={mm} value={mm}>
              {mm === 0 ? 'none' : `${mm} mm`}
            </option>
          ))}
        </select>
      </label>
      <select aria-label="Slab mode" value={slab.mode} disabled={slab.thicknessMm === 0} onChange={(event) => set(slab.thicknessMm, event.target.value as SlabMode)}>
        {SLAB_MODES.map(({ mode, label }) => (
          <option key={mode} value={mode}>
            {label}
          </option>
        ))}
      </select>
    </>
  );
}

export function ViewerToolbar() {
  const layout = useViewer((state) => state.layout);
  const playing = useViewer((state) => state.snapshots[state.active]?.cine.playing ?? false);
  const fps = useViewer((state) => state.snapshots[state.active]?.cine.fps ?? 15);
  const active = useViewer((state) => state.active);

  const listHidden = useViewer((state) => state.studyListHidden);
  const linked = useViewer((state) => state.linked);
  const referenceLines = useViewer((state) => state.referenceLines);
  const mprOpen = useViewer((state) => state.mpr !== null);
  const reportOpen = useReport((state) => state.panelOpen);
  return (
    <div className="viewer-toolbar" role="toolbar" aria-label="Viewer tools">
      <button type="button" className={`small${listHidden ? '' : ' pressed'}`} aria-pressed={!listHidden} aria-label="Study list" title={'Show or hide the study list (\\)'} onClick={() => runViewerCommand('toggleStudyList')}>
        ☰
      </button>
      <div className="group" role="group" aria-label="Layout">
        {(Object.keys(LAYOUTS) as Layout[]).map((key) => (
          <button key={key} type="button" className={`small${layout === key ? ' pressed' : ''}`} aria-pressed={layout === key} aria-label={`Layout ${LAYOUTS[key].label}`} onClick={() => useViewer.getState().setLayout(key)}>
            {LAYOUTS[key].label}
          </button>
        ))}
        {layout !== '1x1' && (
          <button type="button" className={`small${linked ? ' pressed' : ''}`} aria-pressed={linked} aria-label="Link scrolling" title="Link the viewports' scrolling, keeping the offset they have now (S)" onClick={() => runViewerCommand('toggleLink')}>
            Link
          </button>
        )}
        <button type="button" className={`small${mprOpen ? ' pressed' : ''}`} aria-pressed={mprOpen} aria-label="MPR" title="The series with its sagittal and coronal (or axial) reformats, 1 × 3; again: back (M)" onClick={() => runViewerCommand('toggleMpr')}>
          MPR
        </button>
        {mprOpen && <SlabControls />}
        {layout !== '1x1' && (
          <button type="button" className={`small${referenceLines ? ' pressed' : ''}`} aria-pressed={referenceLines} aria-label="Reference lines" title="Draw the active viewport's slice where it cuts the other viewports' images (X)" onClick={() => runViewerCommand('toggleReferenceLines')}>
            Ref lines
          </button>
        )}
      </div>
      <WindowEditor />
      <div className="group" role="group" aria-label="Cine">
        <CommandButton command="toggleCine" label={playing ? '❚❚' : '▶'} title={playing ? 'Pause cine (P)' : 'Play cine (P)'} />
        <label className="field inline">
          fps
          <input
            aria-label="Cine frame rate"
            type="number"
            min={1}
            max={60}
            value={fps}
            onChange={(e) => viewportRegistry.get(active)?.setCineRate(Number(e.target.value))}
            style={{ width: '3.5rem' }}
          />
        </label>
      </div>
      <div className="group" role="group" aria-label="View">
        <CommandButton command="invert" label="Inv" title="Invert (I)" />
        <CommandButton command="rotate" label="⟳" title="Rotate 90° (R)" />
        <CommandButton command="flipHorizontal" label="⇋" title="Flip horizontal (H)" />
        <CommandButton command="flipVertical" label="⇵" title="Flip vertical (V)" />
        <CommandButton command="fit" label="Fit" title="Fit (F)" />
        <CommandButton command="actualPixels" label="1:1" title="Actual pixels (A)" />
        <CommandButton command="reset" label="Reset" title="Reset (Esc or Space)" />
      </div>
      <DrawingTools />
      <div className="group" role="group" aria-label="Display">
        <CommandButton command="toggleOverlays" label="Overlays" title="Show or hide overlays (O)" />
        <CommandButton command="toggleHelp" label="?" title="Keys and mouse (?)" />
        <button type="button" className="small" onClick={() => useViewer.getState().closeStudy()} aria-label="Close the study">
          Close
        </button>
      </div>
      <button type="button" className={`small${reportOpen ? ' pressed' : ''}`} aria-pressed={reportOpen} title="Show or hide the report beside the images" onClick={() => useReport.getState().togglePanel()} data-testid="toggle-report">
        Report
      </button>
    </div>
  );
}
