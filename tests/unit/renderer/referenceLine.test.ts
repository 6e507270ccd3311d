import { describe, expect, it } from 'vitest';
import { clipToRectangle, distanceFromPlane, type ImagePlane, imagePlaneOf, imagePointOf, patientPointOf, referenceLine, sliceThrough } from '../../../renderer/viewer/referenceLine';

/** 200 × 200 axial slice at z = 50, 1 mm pixels, first pixel centre at (-100, -100). */
const axial: ImagePlane = { frameOfReferenceUid: '1.2.3', position: [-100, -100, 50], row: [1, 0, 0], column: [0, 1, 0], rowSpacing: 1, columnSpacing: 1, rows: 200, columns: 200 };
/** Sagittal slice at x = 10: rows run posterior, columns run down (feet), from z = 150 at the top. */
const sagittal: ImagePlane = { frameOfReferenceUid: '1.2.3', position: [10, -100, 150], row: [0, 1, 0], column: [0, 0, -1], rowSpacing: 1, columnSpacing: 1, rows: 200, columns: 200 };

const sorted = (segment: { start: { x: number; y: number }; end: { x: number; y: number } } | null) =>
  segment ? [segment.start, segment.end].sort((a, b) => a.x - b.x || a.y - b.y) : null;

describe('reference lines', () => {
  it('draws a sagittal slice on an axial image as the vertical line at its x, across the image', () => {
    const line = sorted(referenceLine(axial, sagittal));
    // x = 10 mm is column centre 110 → pixel coordinate 110.5; the sagittal spans y = -100.5…99.5 mm, the whole axial height.
    expect(line?.[0]?.x).toBeCloseTo(110.5, 9);
    expect(line?.[1]?.x).toBeCloseTo(110.5, 9);
    expect(line?.[0]?.y).toBeCloseTo(0, 9);
    expect(line?.[1]?.y).toBeCloseTo(200, 9);
  });

  it('draws an axial slice on a sagittal image as the horizontal line at its height', () => {
    const line = sorted(referenceLine(sagittal, axial));
    // z = 50 mm is 100 mm below the top row's centre → pixel coordinate 100.5.
    expect(line?.[0]?.y).toBeCloseTo(100.5, 9);
    expect(line?.[1]?.y).toBeCloseTo(100.5, 9);
    expect(line?.[0]?.x).toBeCloseTo(0, 9);
    expect(line?.[1]?.x).toBeCloseTo(200, 9);
  });

  it('stops the line where the source image ends, and draws none when the slices do not meet', () => {
    // A small axial field of view: 40 × 40 mm, x = -10…30 mm.
    const small: ImagePlane = { ...axial, position: [-10, -20, 50], rows: 40, columns: 40 };
    const line = sorted(referenceLine(sagittal, small));
    // Its rows span y = -20.5…19.5 mm: on the sagittal, pixel coordinates 80…120, at z = 50 mm (100.5).
    expect(line?.[0]).toEqual({ x: expect.closeTo(80, 9) as number, y: expect.closeTo(100.5, 9) as number });
    expect(line?.[1]).toEqual({ x: expect.closeTo(120, 9) as number, y: expect.closeTo(100.5, 9) as number });
    // An axial slice above the sagittal image's top (z = 150.5 mm) does not cross it.
    expect(referenceLine(sagittal, { ...axial, position: [-100, -100, 160] })).toBeNull();
    // A sagittal slice left of the axial field of view neither.
    expect(referenceLine(axial, { ...sagittal, position: [150, -100, 150] })).toBeNull();
  });

  it('draws nothing between frames of reference, for parallel or opposite slices, or below 30°', () => {
    expect(referenceLine(axial, { ...sagittal, frameOfReferenceUid: '9.9' })).toBeNull();
    expect(referenceLine(axial, { ...axial, frameOfReferenceUid: '' })).toBeNull();
    expect(referenceLine(axial, { ...axial, position: [-100, -100, 60] })).toBeNull();
    // Rows flipped: the normal points the other way; still parallel.
    expect(referenceLine(axial, { ...axial, row: [-1, 0, 0] })).toBeNull();
    const tilted = (degrees: number): ImagePlane => {
      const angle = (degrees * Math.PI) / 180;
      return { ...axial, position: [-100, -100 * Math.cos(angle), 50 - 100 * Math.sin(angle)], column: [0, Math.cos(angle), Math.sin(angle)] };
    };
    expect(referenceLine(axial, tilted(20))).toBeNull();
    expect(referenceLine(axial, tilted(45))).not.toBeNull();
    // Without spacing nothing can be placed.
    expect(referenceLine(axial, { ...sagittal, rowSpacing: 0 })).toBeNull();
  });

  it('puts every point of an oblique line on both slices, inside both images', () => {
    // An oblique axial (tilted 25° about the left–right axis, as a spine MR's disc slices are) on a sagittal.
    const angle = (25 * Math.PI) / 180;
    const oblique: ImagePlane = { frameOfReferenceUid: '1.2.3', position: [-60, -40, 90], row: [1, 0, 0], column: [0, Math.cos(angle), -Math.sin(angle)], rowSpacing: 0.8, columnSpacing: 0.8, rows: 160, columns: 150 };
    const target: ImagePlane = { ...sagittal, rowSpacing: 0.7, columnSpacing: 0.9, rows: 256, columns: 230 };
    const line = referenceLine(target, oblique);
    expect(line).not.toBeNull();
    for (const t of [0, 0.25, 0.5, 1]) {
      const point = { x: line!.start.x + t * (line!.end.x - line!.start.x), y: line!.start.y + t * (line!.end.y - line!.start.y) };
      const patient = patientPointOf(target, point);
      expect(Math.abs(distanceFromPlane(oblique, patient))).toBeLessThan(1e-6);
      const inSource = imagePointOf(oblique, patient);
      expect(inSource.x).toBeGreaterThanOrEqual(-1e-6);
      expect(inSource.x).toBeLessThanOrEqual(oblique.columns + 1e-6);
      expect(inSource.y).toBeGreaterThanOrEqual(-1e-6);
      expect(inSource.y).toBeLessThanOrEqual(oblique.rows + 1e-6);
      expect(point.x).toBeGreaterThanOrEqual(-1e-6);
      expect(point.x).toBeLessThanOrEqual(target.columns + 1e-6);
    }
    // It is not horizontal: the slice runs down towards the front.
    expect(Math.abs(line!.end.y - line!.start.y)).toBeGreaterThan(10);
  });

  it('maps pixel coordinates to patient space and back', () => {
    const plane: ImagePlane = { ...sagittal, rowSpacing: 0.5, columnSpacing: 2 };
    expect(patientPointOf(plane, { x: 0.5, y: 0.5 })).toEqual([10, -100, 150]);
    expect(patientPointOf(plane, { x: 1.5, y: 2.5 })).toEqual([10, -98, 149]);
    const back = imagePointOf(plane, [10, -98, 149]);
    expect(back.x).toBeCloseTo(1.5, 9);
    expect(back.y).toBeCloseTo(2.5, 9);
  });

  it('reads a plane from the loader’s image plane module, normalising rounded cosines, and none without what places it', () => {
    const module = { frameOfReferenceUID: '1.2.3 ', rows: 512, columns: 400, imagePositionPatient: [1, 2, 3], rowCosines: [0.99999, 0, 0], columnCosines: [0, 0.6, 0.8000001], rowPixelSpacing: 0.7, columnPixelSpacing: 0.8 };
    const plane = imagePlaneOf(module);
    expect(plane?.frameOfReferenceUid).toBe('1.2.3');
    expect(plane?.row).toEqual([1, 0, 0]);
    expect(Math.hypot(...plane!.column)).toBeCloseTo(1, 12);
    expect(plane).toMatchObject({ position: [1, 2, 3], rowSpacing: 0.7, columnSpacing: 0.8, rows: 512, columns: 400 });
    expect(imagePlaneOf({ ...module, frameOfReferenceUID: undefined })).toBeNull();
    expect(imagePlaneOf({ ...module, imagePositionPatient: null })).toBeNull();
    expect(imagePlaneOf({ ...module, rowPixelSpacing: null })).toBeNull();
    expect(imagePlaneOf({ ...module, columnCosines: [1, 0, 0] })).toBeNull();
    expect(imagePlaneOf(undefined)).toBeNull();
  });

  it('finds the slice of a stack through a point: the nearest plane whose image holds it, each slice with its own angle', () => {
    // Axial slices every 4 mm from z = 40 to 60, and one tilted slice at z = 47 with a small field of view.
    const stack: Array<ImagePlane | null> = [40, 44, 48, 52, 56, 60].map((z) => ({ ...axial, position: [-100, -100, z] }));
    expect(sliceThrough(stack, '1.2.3', [0, 0, 49])).toEqual({ index: 2, distance: 1 });
    expect(sliceThrough(stack, '1.2.3', [0, 0, 50.5])).toEqual({ index: 3, distance: 1.5 });
    // Beyond the last slice: still the nearest, with its distance said.
    expect(sliceThrough(stack, '1.2.3', [0, 0, 70])).toEqual({ index: 5, distance: 10 });
    // Beside every image (x = 150 mm), in another frame of reference, or with no plane known: none.
    expect(sliceThrough(stack, '1.2.3', [150, 0, 49])).toBeNull();
    expect(sliceThrough(stack, '9.9', [0, 0, 49])).toBeNull();
    expect(sliceThrough([null, null], '1.2.3', [0, 0, 49])).toBeNull();
    const angle = (30 * Math.PI) / 180;
    const tilted: ImagePlane = { ...axial, position: [-20, -20 * Math.cos(angle), 47 - 20 * Math.sin(angle)], column: [0, Math.cos(angle), Math.sin(angle)], rows: 40, columns: 40 };
    stack.push(tilted);
    // On the tilted slice, 4 mm down its columns from its centre (z = 49): it, not the axial at 48 nearby.
    const onTilted = patientPointOf(tilted, { x: 20.5, y: 24.5 });
    expect(onTilted[2]).toBeCloseTo(49, 9);
    expect(sliceThrough(stack, '1.2.3', onTilted)?.index).toBe(6);
    expect(sliceThrough(stack, '1.2.3', onTilted)?.distance).toBeCloseTo(0, 9);
  });

  it('clips a segment to the image rectangle', () => {
    expect(clipToRectangle({ x: -10, y: 5 }, { x: 30, y: 5 }, 20, 10)).toEqual({ start: { x: 0, y: 5 }, end: { x: 20, y: 5 } });
    expect(clipToRectangle({ x: -10, y: -10 }, { x: 30, y: 30 }, 20, 10)).toEqual({ start: { x: 0, y: 0 }, end: { x: 10, y: 10 } });
    expect(clipToRectangle({ x: -10, y: 15 }, { x: 30, y: 15 }, 20, 10)).toBeNull();
    expect(clipToRectangle({ x: 25, y: -5 }, { x: 25, y: 15 }, 20, 10)).toBeNull();
  });
});
