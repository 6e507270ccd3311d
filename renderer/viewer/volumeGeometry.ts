/**
 * Multiplanar reformatting (MPR) of a stack of parallel slices: whether the stack makes a volume
 * (planVolume), the planes of the two orthogonal reformats (reformatOf), and their pixels
 * (sampleReformat). Pure, so it is unit-tested; cornerstone/mprImages.ts gives the images to cornerstone.
 *
 * Only orthogonal reformats of a regular stack, by nearest slice (no interpolation between
 * slices): each reformatted pixel is a stored pixel, so values, measurements and windows stay
 * the acquired ones. Which way is up follows the radiological habit: the head at the top where
 * the plane has a head–foot direction (else the front), the patient's left on the right (else
 * the back).
 */
import type { Vector3 } from './orientation';
import { type ImagePlane, normalOf } from './referenceLine';

/** A regular stack: slices in order along their normal, evenly spaced, not shifted sideways. */
export interface VolumeLayout {
  /** Indexes of the stack's images in volume order (ascending along `normal`). */
  order: number[];
  columns: number;
  rows: number;
  slices: number;
  row: Vector3;
  column: Vector3;
  normal: Vector3;
  /** Image Position (Patient) of the first slice in volume order. */
  origin: Vector3;
  columnSpacing: number;
  rowSpacing: number;
  /** Mean distance between slices, mm. */
  sliceSpacing: number;
  frameOfReferenceUid: string;
}

export type VolumePlan = { ok: true; layout: VolumeLayout } | { ok: false; reason: string };

/** Fewer slices than this make no useful reformat. */
const MIN_SLICES = 8;
/** Gaps may differ from their mean by this fraction (rounding in positions) and still count as even. */
const GAP_TOLERANCE = 0.1;

const dot = (a: Vector3, b: Vector3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const minus = (a: Vector3, b: Vector3): Vector3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-3 * Math.max(Math.abs(a), Math.abs(b));

/** Whether the stack's slices make one regular volume, and if not, why not (said to the reader). */
export function planVolume(planes: ReadonlyArray<ImagePlane | null>): VolumePlan {
  if (planes.length < MIN_SLICES) return { ok: false, reason: `a reformat needs at least ${MIN_SLICES} slices; this series has ${planes.length}` };
  const missing = planes.findIndex((plane) => plane === null);
  if (missing !== -1) return { ok: false, reason: `image ${missing + 1} has no position in the patient (Image Position/Orientation, Pixel Spacing or Frame of Reference missing)` };
  const known = planes as readonly ImagePlane[];
  const first = known[0]!;
  const normal = normalOf(first);
  for (const [index, plane] of known.entries()) {
    if (plane.frameOfReferenceUid !== first.frameOfReferenceUid) return { ok: false, reason: `image ${index + 1} is in another frame of reference` };
    if (plane.rows !== first.rows || plane.columns !== first.columns) return { ok: false, reason: `image ${index + 1} has another size (${plane.columns} × ${plane.rows}, not ${first.columns} × ${first.rows})` };
    if (!close(plane.rowSpacing, first.rowSpacing) || !close(plane.columnSpacing, first.columnSpacing)) return { ok: false, reason: `image ${index + 1} has another pixel spacing` };
    if (dot(plane.row, first.row) < 0.9999 || dot(plane.column, first.column) < 0.9999) return { ok: false, reason: `the slices are not parallel (image ${index + 1} is at another angle): a series of several stacks` };
  }
  const order = known.map((plane, index) => ({ index, at: dot(plane.position, normal) })).sort((a, b) => a.at - b.at);
  const gaps = order.slice(1).map((entry, i) => entry.at - order[i]!.at);
  if (gaps.some((gap) => gap < 1e-3)) return { ok: false, reason: 'two slices lie at the same position (repeated or overlapping acquisitions)' };
  const sliceSpacing = (order[order.length - 1]!.at - order[0]!.at) / (order.length - 1);
  const uneven = gaps.find((gap) => Math.abs(gap - sliceSpacing) > GAP_TOLERANCE * sliceSpacing);
  if (uneven !== undefined) return { ok: false, reason: `the slices are not evenly spaced (gaps of ${Math.min(...gaps).toFixed(1)} to ${Math.max(...gaps).toFixed(1)} mm)` };
  const origin = known[order[0]!.index]!.position;
  for (const { index } of order) {
    const offset = minus(known[index]!.position, origin);
    if (Math.abs(dot(offset, first.row)) > first.columnSpacing / 2 || Math.abs(dot(offset, first.column)) > first.rowSpacing / 2) {
      return { ok: false, reason: `image ${index + 1} is shifted sideways against the first (a tilted gantry): the slices do not stack into a box` };
    }
  }
  return {
    ok: true,
    layout: {
      order: order.map((entry) => entry.index),
      columns: first.columns,
      rows: first.rows,
      slices: order.length,
      row: first.row,
      column: first.column,
      normal,
      origin,
      columnSpacing: first.columnSpacing,
      rowSpacing: first.rowSpacing,
      sliceSpacing,
      frameOfReferenceUid: first.frameOfReferenceUid,
    },
  };
}

/** The volume's three index axes: x along rows (columns of the image), y down columns, k along the slices. */
type AxisKey = 'x' | 'y' | 'k';

interface Axis {
  key: AxisKey;
  direction: Vector3;
  size: number;
  spacing: number;
}

function axesOf(layout: VolumeLayout): Record<AxisKey, Axis> {
  return {
    x: { key: 'x', direction: layout.row, size: layout.columns, spacing: layout.columnSpacing },
    y: { key: 'y', direction: layout.column, size: layout.rows, spacing: layout.rowSpacing },
    k: { key: 'k', direction: layout.normal, size: layout.slices, spacing: layout.sliceSpacing },
  };
}

export type PlaneName = 'sagittal' | 'coronal' | 'axial';

/** The plane a normal is nearest to: sagittal (left–right normal), coronal (front–back), axial (head–foot). */
function planeNameOf(normal: Vector3): PlaneName {
  const [x, y, z] = normal.map(Math.abs) as [number, number, number];
  return x >= y && x >= z ? 'sagittal' : y >= z ? 'coronal' : 'axial';
}

/** One family of reformatted images: the volume cut across one of its in-plane axes. */
export interface Reformat {
  name: PlaneName;
  /** Which volume axis is fixed per image, and the two shown (across and down, with their signs). */
  fixed: AxisKey;
  across: AxisKey;
  down: AxisKey;
  acrossSign: 1 | -1;
  downSign: 1 | -1;
  /** Images in the family (positions along the fixed axis), and their size. */
  count: number;
  columns: number;
  rows: number;
}

/**
 * The three reformats of a volume: cut across its rows (fixed x), across its columns (fixed y),
 * and along its slices (fixed k: the acquired plane, for slabs), each shown head up (else front
 * up) and patient left (else back) to the right.
 */
export function reformatsOf(layout: VolumeLayout): Reformat[] {
  const axes = axesOf(layout);
  return (['x', 'y', 'k'] as const).map((fixed) => {
    const [first, second] = (['x', 'y', 'k'] as const).filter((key) => key !== fixed).map((key) => axes[key]) as [Axis, Axis];
    const headFoot = Math.max(Math.abs(first.direction[2]), Math.abs(second.direction[2]));
    // Down: the axis most along head–foot, towards the feet; without one, the most front–back, towards the back.
    const downAxis = headFoot >= 0.5 ? (Math.abs(first.direction[2]) >= Math.abs(second.direction[2]) ? first : second) : Math.abs(first.direction[1]) >= Math.abs(second.direction[1]) ? first : second;
    const acrossAxis = downAxis === first ? second : first;
    const downSign = headFoot >= 0.5 ? (downAxis.direction[2] > 0 ? -1 : 1) : downAxis.direction[1] < 0 ? -1 : 1;
    const acrossSign = Math.abs(acrossAxis.direction[0]) >= 0.5 ? (acrossAxis.direction[0] < 0 ? -1 : 1) : acrossAxis.direction[1] < 0 ? -1 : 1;
    return {
      name: planeNameOf(axes[fixed].direction),
      fixed,
      across: acrossAxis.key,
      down: downAxis.key,
      acrossSign,
      downSign,
      count: axes[fixed].size,
      columns: acrossAxis.size,
      rows: downAxis.size,
    };
  });
}

/** Where reformatsOf puts each: across the rows, across the columns, the acquired plane. */
export const REFORMAT = { acrossRows: 0, acrossColumns: 1, acquiredPlane: 2 } as const;

/** Millimetres between a reformat's images (along its fixed axis). */
export function reformatSpacing(layout: VolumeLayout, reformat: Reformat): number {
  return axesOf(layout)[reformat.fixed].spacing;
}

export type SlabMode = 'mip' | 'minip' | 'mean';

/** A slab: `half` images each side of the one shown, combined by `mode`; half 0 is the image alone. */
export interface Slab {
  half: number;
  mode: SlabMode;
}

export const NO_SLAB: Slab = { half: 0, mode: 'mip' };

/** The slab nearest a thickness asked for, in images each side (an odd number of images in all). */
export function slabHalfWidth(thicknessMm: number, spacing: number): number {
  return thicknessMm > 0 && spacing > 0 ? Math.max(0, Math.round((thicknessMm / spacing - 1) / 2)) : 0;
}

/** The plane of reformatted image `index` (0 … count − 1), in the volume's frame of reference. */
export function reformatPlane(layout: VolumeLayout, reformat: Reformat, index: number): ImagePlane {
  const axes = axesOf(layout);
  const across = axes[reformat.across];
  const down = axes[reformat.down];
  const fixed = axes[reformat.fixed];
  // The first pixel is at the far end of an axis that runs backwards.
  const steps: Array<[Axis, number]> = [
    [fixed, index],
    [across, reformat.acrossSign > 0 ? 0 : across.size - 1],
    [down, reformat.downSign > 0 ? 0 : down.size - 1],
  ];
  const position = steps.reduce<Vector3>((at, [axis, count]) => [at[0] + axis.direction[0] * axis.spacing * count, at[1] + axis.direction[1] * axis.spacing * count, at[2] + axis.direction[2] * axis.spacing * count], layout.origin);
  const signed = (axis: Axis, sign: 1 | -1): Vector3 => [axis.direction[0] * sign, axis.direction[1] * sign, axis.direction[2] * sign];
  return {
    frameOfReferenceUid: layout.frameOfReferenceUid,
    position,
    row: signed(across, reformat.acrossSign),
    column: signed(down, reformat.downSign),
    columnSpacing: across.spacing,
    rowSpacing: down.spacing,
    rows: reformat.rows,
    columns: reformat.columns,
  };
}

/** Anything indexable that holds numbers: the volume's and the images' typed arrays. */
export interface NumberArray {
  readonly length: number;
  [index: number]: number;
}

/**
 * The pixels of reformatted image `index` into `out` (rows × columns, row by row), from the
 * volume's voxels stored slice by slice in volume order, each slice row by row. With a slab, the
 * images `slab.half` each side (as far as the volume goes) are combined pixel by pixel: the
 * highest (MIP), the lowest (MinIP) or the mean, rounded. One pass over the output, the slab's
 * voxels of each pixel read in a row (fast enough to scroll a 20 mm slab: see the viewer bench).
 */
export function sampleReformat(voxels: NumberArray, layout: VolumeLayout, reformat: Reformat, index: number, out: NumberArray, slab: Slab = NO_SLAB): void {
  const strides: Record<AxisKey, number> = { x: 1, y: layout.columns, k: layout.columns * layout.rows };
  const acrossStride = strides[reformat.across] * reformat.acrossSign;
  const downStride = strides[reformat.down] * reformat.downSign;
  const fixedStride = strides[reformat.fixed];
  const first = Math.max(0, index - slab.half);
  const count = Math.min(reformat.count - 1, index + slab.half) - first + 1;
  const start = fixedStride * first + (reformat.acrossSign > 0 ? 0 : strides[reformat.across] * (reformat.columns - 1)) + (reformat.downSign > 0 ? 0 : strides[reformat.down] * (reformat.rows - 1));
  const mode = slab.mode;
  let target = 0;
  for (let row = 0; row < reformat.rows; row += 1) {
    let source = start + row * downStride;
    for (let column = 0; column < reformat.columns; column += 1) {
      let value = voxels[source]!;
      if (count > 1) {
        let at = source;
        for (let image = 1; image < count; image += 1) {
          at += fixedStride;
          const next = voxels[at]!;
          if (mode === 'mip') value = next > value ? next : value;
          else if (mode === 'minip') value = next < value ? next : value;
          else value += next;
        }
        if (mode === 'mean') value = Math.round(value / count);
      }
      out[target] = value;
      target += 1;
      source += acrossStride;
    }
  }
}
