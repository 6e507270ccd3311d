/**
 * Reference lines: where the slice shown in one viewport cuts the image shown in another, as a
 * segment in the second image's pixel coordinates. Pure, so it is unit-tested.
 *
 * Written here rather than taken from cornerstone-tools' ReferenceLinesTool, which converts the
 * metadata provider's cached imagePlaneModule objects in place, needs its own synchronizer over
 * the viewports, and draws a line for planes facing opposite ways (its angle test takes 180° as
 * far apart). The geometry is PS3.3 C.7.6.2.1.1: Image Position (Patient) is the centre of the
 * first pixel, the row cosines point along a row, the column cosines down a column.
 *
 * Pixel coordinates are cornerstone's: pixel (i, j) covers [i, i + 1] × [j, j + 1], so its centre
 * is at (i + 0.5, j + 0.5) and the whole image spans [0, columns] × [0, rows].
 */
import type { Vector3 } from './orientation';

export interface ImagePlane {
  frameOfReferenceUid: string;
  /** Image Position (Patient), mm. */
  position: Vector3;
  /** Unit vector along a row (towards higher column numbers). */
  row: Vector3;
  /** Unit vector down a column (towards higher row numbers). */
  column: Vector3;
  /** Millimetres between the centres of adjacent rows (Pixel Spacing's first value). */
  rowSpacing: number;
  /** Millimetres between the centres of adjacent columns (Pixel Spacing's second value). */
  columnSpacing: number;
  rows: number;
  columns: number;
}

export interface ImagePoint {
  x: number;
  y: number;
}

export interface ReferenceSegment {
  start: ImagePoint;
  end: ImagePoint;
}

/** The loader's imagePlaneModule (cornerstone-wado-image-loader, or metadataFixes for frames): the fields read here. */
export interface ImagePlaneModule {
  frameOfReferenceUID?: string | null;
  rows?: number | null;
  columns?: number | null;
  imagePositionPatient?: number[] | null;
  rowCosines?: number[] | null;
  columnCosines?: number[] | null;
  rowPixelSpacing?: number | null;
  columnPixelSpacing?: number | null;
}

function unitVector(values: number[] | null | undefined): Vector3 | null {
  const [x, y, z] = values ?? [];
  if (x === undefined || y === undefined || z === undefined) return null;
  const length = Math.hypot(x, y, z);
  return length > 0 ? [x / length, y / length, z / length] : null;
}

/**
 * The image's plane from its header; null without a frame of reference, position, orientation,
 * pixel spacing or size. Cosines are normalised: files round them to a few digits.
 */
export function imagePlaneOf(module: ImagePlaneModule | null | undefined): ImagePlane | null {
  const [px, py, pz] = module?.imagePositionPatient ?? [];
  const row = unitVector(module?.rowCosines);
  const column = unitVector(module?.columnCosines);
  const frameOfReferenceUid = module?.frameOfReferenceUID?.trim() ?? '';
  if (!module || px === undefined || py === undefined || pz === undefined || !row || !column || !frameOfReferenceUid) return null;
  const { rowPixelSpacing, columnPixelSpacing, rows, columns } = module;
  if (!rowPixelSpacing || !columnPixelSpacing || !rows || !columns) return null;
  const plane: ImagePlane = { frameOfReferenceUid, position: [px, py, pz], row, column, rowSpacing: rowPixelSpacing, columnSpacing: columnPixelSpacing, rows, columns };
  return isUsablePlane(plane) ? plane : null;
}

/**
 * Planes closer than this to parallel get no line: the intersection of nearly parallel slices
 * runs far across the image and says nothing useful (cornerstone-tools and OHIF use 30° too).
 */
const MIN_ANGLE_DEGREES = 30;

const dot = (a: Vector3, b: Vector3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vector3, b: Vector3): Vector3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const minus = (a: Vector3, b: Vector3): Vector3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];

export function normalOf(plane: ImagePlane): Vector3 {
  const normal = cross(plane.row, plane.column);
  const length = Math.hypot(...normal);
  return [normal[0] / length, normal[1] / length, normal[2] / length];
}

/** The patient-space point (mm) at a pixel coordinate of the image. */
export function patientPointOf(plane: ImagePlane, point: ImagePoint): Vector3 {
  const along = (point.x - 0.5) * plane.columnSpacing;
  const down = (point.y - 0.5) * plane.rowSpacing;
  const [px, py, pz] = plane.position;
  const [rx, ry, rz] = plane.row;
  const [cx, cy, cz] = plane.column;
  return [px + along * rx + down * cx, py + along * ry + down * cy, pz + along * rz + down * cz];
}

/** The pixel coordinate in the image's plane nearest a patient-space point. */
export function imagePointOf(plane: ImagePlane, point: Vector3): ImagePoint {
  const offset = minus(point, plane.position);
  return { x: dot(offset, plane.row) / plane.columnSpacing + 0.5, y: dot(offset, plane.column) / plane.rowSpacing + 0.5 };
}

/** Whether a pixel coordinate lies on the image (its edges included). */
export function isOnImage(plane: ImagePlane, point: ImagePoint): boolean {
  return point.x >= 0 && point.y >= 0 && point.x <= plane.columns && point.y <= plane.rows;
}

/** Signed distance (mm) of a patient-space point from the plane, along its normal. */
export function distanceFromPlane(plane: ImagePlane, point: Vector3): number {
  return dot(minus(point, plane.position), normalOf(plane));
}

/** The four corners of the image's rectangle, in patient space, in order around it. */
function cornersOf(plane: ImagePlane): Vector3[] {
  const { columns, rows } = plane;
  return [
    { x: 0, y: 0 },
    { x: columns, y: 0 },
    { x: columns, y: rows },
    { x: 0, y: rows },
  ].map((corner) => patientPointOf(plane, corner));
}

/** Whether the plane's numbers can place it: finite, unit-ish directions at an angle, positive spacing and size. */
function isUsablePlane(plane: ImagePlane): boolean {
  const numbers = [...plane.position, ...plane.row, ...plane.column, plane.rowSpacing, plane.columnSpacing];
  if (!numbers.every(Number.isFinite) || plane.rowSpacing <= 0 || plane.columnSpacing <= 0 || plane.rows < 1 || plane.columns < 1) return false;
  return Math.hypot(...cross(plane.row, plane.column)) > 0.5;
}

/**
 * Clips the segment a→b to the rectangle [0, width] × [0, height] (Liang–Barsky); null when
 * none of it lies inside.
 */
export function clipToRectangle(a: ImagePoint, b: ImagePoint, width: number, height: number): ReferenceSegment | null {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  let enter = 0;
  let leave = 1;
  const edges: Array<[number, number]> = [
    [-dx, a.x],
    [dx, width - a.x],
    [-dy, a.y],
    [dy, height - a.y],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return null;
      continue;
    }
    const t = q / p;
    if (p < 0) enter = Math.max(enter, t);
    else leave = Math.min(leave, t);
    if (enter > leave) return null;
  }
  return { start: { x: a.x + enter * dx, y: a.y + enter * dy }, end: { x: a.x + leave * dx, y: a.y + leave * dy } };
}

/**
 * Where the `source` image (its rectangle, not its whole plane) crosses the `target` image, in
 * the target's pixel coordinates; null when they do not cross, are in different frames of
 * reference (nothing says where one lies in the other's space), or are too close to parallel.
 */
export function referenceLine(target: ImagePlane, source: ImagePlane): ReferenceSegment | null {
  if (!target.frameOfReferenceUid || target.frameOfReferenceUid !== source.frameOfReferenceUid) return null;
  if (!isUsablePlane(target) || !isUsablePlane(source)) return null;
  const targetNormal = normalOf(target);
  if (Math.abs(dot(targetNormal, normalOf(source))) > Math.cos((MIN_ANGLE_DEGREES * Math.PI) / 180)) return null;

  // The source rectangle's edges that cross the target plane give the segment's two ends.
  const corners = cornersOf(source);
  const distances = corners.map((corner) => dot(minus(corner, target.position), targetNormal));
  const crossings: Vector3[] = [];
  corners.forEach((corner, i) => {
    const next = (i + 1) % corners.length;
    const [from, to] = [distances[i]!, distances[next]!];
    if (from === 0) crossings.push(corner);
    else if (from * to < 0) {
      const t = from / (from - to);
      const end = corners[next]!;
      crossings.push([corner[0] + t * (end[0] - corner[0]), corner[1] + t * (end[1] - corner[1]), corner[2] + t * (end[2] - corner[2])]);
    }
  });
  const [first, second] = [crossings[0], crossings[crossings.length - 1]];
  // A plane that only touches a corner gives a point, not a line.
  if (!first || !second || Math.hypot(...minus(first, second)) < 1e-6) return null;
  return clipToRectangle(imagePointOf(target, first), imagePointOf(target, second), target.columns, target.rows);
}

/**
 * The slice of a stack through a point (cross-reference: a point picked in one viewport, the
 * slice of another stack that holds it): among the images whose rectangle the point falls in
 * (projected along their normal), the one whose plane is nearest. Each image is taken with its
 * own plane, so a series of several angled stacks (a spine's disc slices) is handled. Null when
 * the point lies beside every image, or no plane is known.
 */
export function sliceThrough(planes: ReadonlyArray<ImagePlane | null>, frameOfReferenceUid: string, point: Vector3): { index: number; distance: number } | null {
  let best: { index: number; distance: number } | null = null;
  planes.forEach((plane, index) => {
    if (!plane || plane.frameOfReferenceUid !== frameOfReferenceUid) return;
    if (!isOnImage(plane, imagePointOf(plane, point))) return;
    const distance = Math.abs(distanceFromPlane(plane, point));
    if (!best || distance < best.distance) best = { index, distance };
  });
  return best;
}
