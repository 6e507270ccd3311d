import { describe, expect, it } from 'vitest';
import type { Vector3 } from '../../../renderer/viewer/orientation';
import { type ImagePlane, patientPointOf } from '../../../renderer/viewer/referenceLine';
import { planVolume, reformatPlane, reformatsOf, sampleReformat, slabHalfWidth, type VolumeLayout } from '../../../renderer/viewer/volumeGeometry';

/** A stack as a scanner writes it: `count` slices of 4 × 3 pixels, `gap` mm apart along the normal, the first at `start`. */
function stack(options: { count?: number; row?: Vector3; column?: Vector3; start?: Vector3; step?: Vector3 } = {}): ImagePlane[] {
  const { count = 10, row = [1, 0, 0], column = [0, 1, 0], start = [-10, -20, 100], step = [0, 0, -3] } = options;
  return Array.from({ length: count }, (_, i) => ({
    frameOfReferenceUid: '1.2.3',
    position: [start[0] + i * step[0], start[1] + i * step[1], start[2] + i * step[2]] as Vector3,
    row,
    column,
    rowSpacing: 0.5,
    columnSpacing: 0.8,
    rows: 3,
    columns: 4,
  }));
}

function layoutOf(planes: ImagePlane[]): VolumeLayout {
  const plan = planVolume(planes);
  if (!plan.ok) throw new Error(plan.reason);
  return plan.layout;
}

/**
 * Every reformatted pixel must be the voxel at the same place in the patient: each voxel holds
 * its own volume index, so the pixel says which voxel it came from, and that voxel's position
 * (from the layout's lattice) must be the pixel centre's (from the reformat's plane).
 */
function expectPixelsWhereTheyLie(layout: VolumeLayout): void {
  const { columns, rows, slices } = layout;
  const voxels = Float64Array.from({ length: columns * rows * slices }, (_, i) => i);
  for (const reformat of reformatsOf(layout)) {
    for (const index of [0, Math.floor(reformat.count / 2), reformat.count - 1]) {
      const plane = reformatPlane(layout, reformat, index);
      const out = new Float64Array(reformat.rows * reformat.columns);
      sampleReformat(voxels, layout, reformat, index, out);
      out.forEach((voxel, pixel) => {
        const [x, y, k] = [voxel % columns, Math.floor(voxel / columns) % rows, Math.floor(voxel / (columns * rows))];
        const expected = [0, 1, 2].map((axis) => layout.origin[axis]! + x * layout.columnSpacing * layout.row[axis]! + y * layout.rowSpacing * layout.column[axis]! + k * layout.sliceSpacing * layout.normal[axis]!);
        const actual = patientPointOf(plane, { x: (pixel % reformat.columns) + 0.5, y: Math.floor(pixel / reformat.columns) + 0.5 });
        actual.forEach((value, axis) => expect(value).toBeCloseTo(expected[axis]!, 9));
      });
    }
  }
}

describe('multiplanar reformats', () => {
  it('stacks an axial CT written head first into a volume from the feet up', () => {
    const layout = layoutOf(stack());
    expect(layout.order).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(layout.sliceSpacing).toBeCloseTo(3, 12);
    expect(layout.origin).toEqual([-10, -20, 73]);
    expect(layout.normal).toEqual([0, 0, 1]);
  });

  it('gives an axial stack sagittal and coronal reformats, head up, back (sagittal) and left (coronal) to the right', () => {
    const layout = layoutOf(stack());
    const [sagittal, coronal, acquired] = reformatsOf(layout);
    expect(sagittal).toMatchObject({ name: 'sagittal', fixed: 'x', across: 'y', down: 'k', acrossSign: 1, downSign: -1, count: 4, columns: 3, rows: 10 });
    expect(coronal).toMatchObject({ name: 'coronal', fixed: 'y', across: 'x', down: 'k', acrossSign: 1, downSign: -1, count: 3, columns: 4, rows: 10 });
    // The acquired plane again (for slabs): shown as acquired, from the feet up.
    expect(acquired).toMatchObject({ name: 'axial', fixed: 'k', across: 'x', down: 'y', acrossSign: 1, downSign: 1, count: 10, columns: 4, rows: 3 });
    const plane = reformatPlane(layout, sagittal!, 2);
    expect(plane.row).toEqual([0, 1, 0]);
    expect(plane.column).toEqual([-0, -0, -1]);
    // The top row is the highest slice (z = 100), at the third column of the axials (x = -10 + 2 × 0.8).
    expect(plane.position.map((value) => Number(value.toFixed(9)))).toEqual([-8.4, -20, 100]);
    expect(plane).toMatchObject({ rowSpacing: 3, columnSpacing: 0.5, rows: 10, columns: 3, frameOfReferenceUid: '1.2.3' });
    expectPixelsWhereTheyLie(layout);
  });

  it('reformats a sagittal stack into axial (front up) and coronal (head up) images, and a flipped one as well', () => {
    // Sagittal slices: rows run back, columns run down; written right to left.
    const sagittal = layoutOf(stack({ row: [0, 1, 0], column: [0, 0, -1], start: [40, -20, 100], step: [-2, 0, 0] }));
    const axial = reformatsOf(sagittal).find((reformat) => reformat.name === 'axial');
    const coronal = reformatsOf(sagittal).find((reformat) => reformat.name === 'coronal');
    // Axial: across the slices (right to left, flipped so the left is right), down the rows (front to back).
    expect(axial).toMatchObject({ fixed: 'y', across: 'k', acrossSign: -1, down: 'x', downSign: 1 });
    expect(coronal).toMatchObject({ fixed: 'x', across: 'k', acrossSign: -1, down: 'y', downSign: 1 });
    const axialPlane = reformatPlane(sagittal, axial!, 0);
    expect(axialPlane.row[0]).toBe(1);
    expect(axialPlane.column[1]).toBe(1);
    expectPixelsWhereTheyLie(sagittal);
    // Rows running towards the front and columns up: still shown the usual way.
    expectPixelsWhereTheyLie(layoutOf(stack({ row: [0, -1, 0], column: [0, 0, 1], start: [40, -20, 100], step: [2, 0, 0] })));
  });

  it('combines a slab of images each side: the highest, the lowest or the mean, as far as the volume goes', () => {
    const layout = layoutOf(stack());
    const sagittal = reformatsOf(layout)[0]!;
    // Voxel value: 10 × its column (x) + its slice — so along the sagittal's fixed axis (x) values grow by 10.
    const voxels = Float64Array.from({ length: 4 * 3 * 10 }, (_, i) => 10 * (i % 4) + Math.floor(i / 12));
    const sample = (index: number, half: number, mode: 'mip' | 'minip' | 'mean') => {
      const out = new Float64Array(sagittal.rows * sagittal.columns);
      sampleReformat(voxels, layout, sagittal, index, out, { half, mode });
      return out;
    };
    const alone = sample(1, 0, 'mip');
    expect(sample(1, 1, 'mip')).toEqual(alone.map((value) => value + 10));
    expect(sample(1, 1, 'minip')).toEqual(alone.map((value) => value - 10));
    expect(sample(1, 1, 'mean')).toEqual(alone);
    // At the edge only what exists: images 0 and 1 for a slab around 0.
    expect(sample(0, 1, 'mean')).toEqual(sample(0, 0, 'mip').map((value) => Math.round(value + 5)));
    // Thickness to images each side: 10 mm of 3 mm slices is 3 slices; of 1.07 mm pixels, 9.
    expect(slabHalfWidth(10, 3)).toBe(1);
    expect(slabHalfWidth(10, 1.07)).toBe(4);
    expect(slabHalfWidth(5, 3)).toBe(0);
    expect(slabHalfWidth(0, 3)).toBe(0);
  });

  it('says why a series is no volume', () => {
    const reasonOf = (planes: ReadonlyArray<ImagePlane | null>) => {
      const plan = planVolume(planes);
      return plan.ok ? 'ok' : plan.reason;
    };
    expect(reasonOf(stack({ count: 5 }))).toMatch(/at least 8 slices; this series has 5/);
    expect(reasonOf([...stack().slice(0, 9), null])).toMatch(/image 10 has no position/);
    const planes = stack();
    expect(reasonOf(planes.map((plane, i) => (i === 4 ? { ...plane, rows: 5 } : plane)))).toMatch(/image 5 has another size/);
    expect(reasonOf(planes.map((plane, i) => (i === 4 ? { ...plane, frameOfReferenceUid: '9' } : plane)))).toMatch(/image 5 is in another frame of reference/);
    expect(reasonOf(planes.map((plane, i) => (i === 4 ? { ...plane, column: [0, 0.9848, 0.1736] as Vector3 } : plane)))).toMatch(/not parallel/);
    expect(reasonOf([...planes, planes[3]!])).toMatch(/same position/);
    expect(reasonOf(planes.map((plane, i) => (i === 9 ? { ...plane, position: [-10, -20, 70] as Vector3 } : plane)))).toMatch(/not evenly spaced \(gaps of 3\.0 to 6\.0 mm\)/);
    // A tilted gantry: each slice a little further back.
    expect(reasonOf(stack({ step: [0, 1, -3] }))).toMatch(/shifted sideways/);
    expect(reasonOf(planes)).toBe('ok');
  });
});
