import { describe, expect, it } from 'vitest';
import { CT_PRESETS, presetsFor } from '../../../shared/viewer/windowPresets';
import { commandForKey, DEFAULT_KEY_BINDINGS, DEFAULT_MOUSE_BINDINGS, rebindMouse } from '../../../renderer/viewer/bindings';
import { expandSegmentedLut } from '../../../renderer/viewer/cornerstone/segmentedPalette';
import { directionLabel, edgeMarkers } from '../../../renderer/viewer/orientation';
import { formatScaleBar, formatWindowValue, patientAge, scaleBarLength } from '../../../renderer/viewer/overlayText';
import { findSeries, matchingSeries } from '../../../renderer/viewer/viewerStore';
import { nearestSlice, parallelSign, slicePlaneOf } from '../../../renderer/viewer/slicePlane';
import type { ViewerSeries, ViewerStudy } from '../../../shared/api';

const axialRow = [1, 0, 0] as const;
const axialColumn = [0, 1, 0] as const;
const plain = { rotation: 0, hflip: false, vflip: false };

describe('orientation markers', () => {
  it('names directions in LPS, strongest first, obliques with two or three letters', () => {
    expect(directionLabel([1, 0, 0])).toBe('L');
    expect(directionLabel([-1, 0, 0])).toBe('R');
    expect(directionLabel([0, -1, 0])).toBe('A');
    expect(directionLabel([0, 0, 1])).toBe('H');
    expect(directionLabel([0.2, -0.9, 0.38])).toBe('AH');
    expect(directionLabel([-0.6, 0.6, -0.52])).toBe('RPF');
  });

  it('shows an axial image the radiological way: patient right on screen left, anterior on top', () => {
    expect(edgeMarkers(axialRow, axialColumn, plain)).toEqual({ left: 'R', right: 'L', top: 'A', bottom: 'P' });
  });

  it('follows rotation and flips as cornerstone draws them', () => {
    expect(edgeMarkers(axialRow, axialColumn, { ...plain, hflip: true })).toEqual({ left: 'L', right: 'R', top: 'A', bottom: 'P' });
    expect(edgeMarkers(axialRow, axialColumn, { ...plain, vflip: true })).toEqual({ left: 'R', right: 'L', top: 'P', bottom: 'A' });
    // Turned 90° clockwise: what was on top (anterior) is now on the right.
    expect(edgeMarkers(axialRow, axialColumn, { ...plain, rotation: 90 })).toEqual({ left: 'P', right: 'A', top: 'R', bottom: 'L' });
    expect(edgeMarkers(axialRow, axialColumn, { ...plain, rotation: 180 })).toEqual({ left: 'L', right: 'R', top: 'P', bottom: 'A' });
  });

  it('reads a sagittal image (rows towards posterior, columns towards the feet)', () => {
    expect(edgeMarkers([0, 1, 0], [0, 0, -1], plain)).toEqual({ left: 'A', right: 'P', top: 'H', bottom: 'F' });
  });
});

describe('overlay text', () => {
  it("gives the patient's age from Patient's Age, or from the birth and study dates", () => {
    expect(patientAge('045Y', '', '')).toBe('45 y');
    expect(patientAge('006M', '', '')).toBe('6 mo');
    expect(patientAge('', '1970-06-15', '2018-01-07')).toBe('47 y');
    expect(patientAge('', '19700615', '20180615')).toBe('48 y');
    expect(patientAge('', '2017-03-10', '2018-01-07')).toBe('9 mo');
    expect(patientAge('', '', '2018-01-07')).toBe('');
  });

  it('writes window values as whole numbers unless they are small fractions', () => {
    expect(formatWindowValue(400)).toBe('400');
    expect(formatWindowValue(-600)).toBe('-600');
    expect(formatWindowValue(212.5)).toBe('213');
    expect(formatWindowValue(0.5)).toBe('0.50');
  });

  it('picks a round scale-bar length that fits', () => {
    // 0.5 mm per screen pixel, at most 100 px: 50 mm is 100 px.
    expect(scaleBarLength(0.5, 100)).toEqual({ mm: 50, pixels: 100 });
    expect(scaleBarLength(0.5, 99)).toEqual({ mm: 20, pixels: 40 });
    expect(scaleBarLength(0, 100)).toBeNull();
    expect(formatScaleBar(50)).toBe('5 cm');
    expect(formatScaleBar(5)).toBe('5 mm');
  });
});

describe('bindings and presets', () => {
  it('has the architecture note’s CT presets on keys 1–9', () => {
    expect(CT_PRESETS.map((p) => [p.name, p.width, p.center])).toEqual([
      ['Brain', 80, 40],
      ['Subdural', 150, 75],
      ['Stroke', 40, 40],
      ['Bone', 1800, 400],
      ['Lung', 1500, -600],
      ['Mediastinum', 350, 50],
      ['Abdomen', 400, 40],
      ['Liver', 150, 60],
      ['Spine', 250, 50],
    ]);
    expect(presetsFor('ct')).toBe(CT_PRESETS);
    expect(presetsFor('MR')).toEqual([]);
    for (let n = 1; n <= 9; n += 1) expect(commandForKey(DEFAULT_KEY_BINDINGS, String(n))).toBe(`preset${n}`);
  });

  it('binds every key once', () => {
    const keys = DEFAULT_KEY_BINDINGS.flatMap((binding) => binding.keys);
    expect(new Set(keys).size).toBe(keys.length);
    expect(commandForKey(DEFAULT_KEY_BINDINGS, 'Escape')).toBe('reset');
    expect(commandForKey(DEFAULT_KEY_BINDINGS, ' ')).toBe('reset');
    expect(commandForKey(DEFAULT_KEY_BINDINGS, 'x')).toBe('toggleReferenceLines');
    expect(commandForKey(DEFAULT_KEY_BINDINGS, 'j')).toBeNull();
  });

  it('swaps mouse buttons so that every tool keeps one', () => {
    expect(DEFAULT_MOUSE_BINDINGS).toEqual({ Wwwc: 'left', Pan: 'middle', Zoom: 'right' });
    expect(rebindMouse(DEFAULT_MOUSE_BINDINGS, 'Wwwc', 'right')).toEqual({ Wwwc: 'right', Pan: 'middle', Zoom: 'left' });
    expect(rebindMouse(DEFAULT_MOUSE_BINDINGS, 'Pan', 'middle')).toEqual(DEFAULT_MOUSE_BINDINGS);
  });
});

describe('segmented palette tables (PS3.3 C.7.9.2)', () => {
  it('expands discrete and linear segments', () => {
    // Discrete 0, 10; then a linear ramp of 4 steps to 50.
    expect(expandSegmentedLut([0, 2, 0, 10, 1, 4, 50], 6)).toEqual([0, 10, 20, 30, 40, 50]);
  });

  it('expands an indirect segment by copying earlier segments', () => {
    // Words 0..3: discrete [5, 6]; then indirect: copy 1 segment from word offset 0.
    expect(expandSegmentedLut([0, 2, 5, 6, 2, 1, 0, 0], 4)).toEqual([5, 6, 5, 6]);
  });

  it('pads a short table with its last value and cuts a long one', () => {
    expect(expandSegmentedLut([0, 2, 1, 2], 4)).toEqual([1, 2, 2, 2]);
    expect(expandSegmentedLut([0, 3, 1, 2, 3], 2)).toEqual([1, 2]);
  });
});

describe('the prior’s series put beside the one being read', () => {
  const series = (uid: string, modality: string, description: string, bodyPart = '', frames = 1): ViewerSeries => ({
    seriesInstanceUid: uid,
    seriesNumber: null,
    modality,
    description,
    bodyPart,
    instanceCount: 1,
    instances: [{ sopInstanceUid: `${uid}.1`, instanceNumber: 1, frames, url: '' }],
  });
  const prior = [series('sr', 'SR', 'Report', '', 0), series('scout', 'CT', 'Scout', 'CHEST'), series('ax', 'CT', 'AX 3mm', 'ABDOMEN'), series('t2', 'MR', 'ax t2')];

  it('takes the same modality and description, then body part, then modality, then the first with images', () => {
    expect(matchingSeries(prior, series('now', 'CT', 'ax 3MM '))?.seriesInstanceUid).toBe('ax');
    expect(matchingSeries(prior, series('now', 'CT', 'Portal venous', 'abdomen'))?.seriesInstanceUid).toBe('ax');
    expect(matchingSeries(prior, series('now', 'CT', 'Portal venous', 'PELVIS'))?.seriesInstanceUid).toBe('scout');
    expect(matchingSeries(prior, series('now', 'MR', 'AX T2'))?.seriesInstanceUid).toBe('t2');
    expect(matchingSeries(prior, series('now', 'US', 'Liver'))?.seriesInstanceUid).toBe('scout');
    expect(matchingSeries(prior, null)?.seriesInstanceUid).toBe('scout');
    // A series without images (a report) is never put in a viewport.
    expect(matchingSeries([series('sr', 'SR', 'Report', '', 0)], series('now', 'SR', 'Report'))).toBeNull();
  });

  it('finds a viewport’s series in the study being read first, then in the prior, and says which', () => {
    const study = (uid: string, list: ViewerSeries[]): ViewerStudy => ({ study: { studyInstanceUid: uid } as ViewerStudy['study'], series: list, bundleUrl: '' });
    const reading = study('1', [series('a', 'CT', 'A')]);
    const comparison = study('2', [series('b', 'CT', 'B')]);
    expect(findSeries({ study: reading, comparison }, 'a')).toMatchObject({ study: reading, isComparison: false });
    expect(findSeries({ study: reading, comparison }, 'b')).toMatchObject({ study: comparison, isComparison: true });
    expect(findSeries({ study: reading, comparison: null }, 'b')).toBeNull();
    expect(findSeries({ study: reading, comparison }, null)).toBeNull();
  });
});

describe('slice positions for linked scrolling', () => {
  it('measures Image Position (Patient) along the stack’s normal, for axial, sagittal and oblique stacks', () => {
    expect(slicePlaneOf([-200, -180, 484.9], [1, 0, 0], [0, 1, 0])).toEqual({ position: 484.9, normal: [0, 0, 1] });
    const sagittal = slicePlaneOf([12.5, -100, 100], [0, 1, 0], [0, 0, -1]);
    expect(sagittal?.normal).toEqual([-1, 0, 0]);
    expect(sagittal?.position).toBeCloseTo(-12.5, 9);
    const c = Math.SQRT1_2;
    const oblique = slicePlaneOf([0, 10, 10], [1, 0, 0], [0, c, -c]); // normal (0, c, c)
    expect(oblique?.position).toBeCloseTo(20 * c, 9);
    expect(slicePlaneOf([0, 10, -10], [1, 0, 0], [0, c, -c])?.position).toBeCloseTo(0, 9);
    expect(slicePlaneOf([0, 0, 0], [1, 0, 0], [1, 0, 0])).toBeNull(); // no plane
    expect(slicePlaneOf(null, [1, 0, 0], [0, 1, 0])).toBeNull();
  });

  it('links only stacks of the same orientation, and finds the nearest slice among those whose position is known', () => {
    expect(parallelSign([0, 0, 1], [0, 0.05, 0.9987])).toBe(1);
    expect(parallelSign([0, 0, 1], [0, 0, -1])).toBe(-1);
    expect(parallelSign([0, 0, 1], [1, 0, 0])).toBe(0);
    const planes = [{ position: 10, normal: [0, 0, 1] as const }, null, { position: 4, normal: [0, 0, 1] as const }, { position: 1, normal: [0, 0, 1] as const }];
    expect(nearestSlice(planes, 7.5)).toBe(0);
    expect(nearestSlice(planes, 6)).toBe(2);
    expect(nearestSlice(planes, -50)).toBe(3);
    expect(nearestSlice([null, null], 3)).toBe(-1);
  });
});
