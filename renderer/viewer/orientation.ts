/**
 * Orientation markers: which patient direction each edge of the viewport faces, from Image
 * Orientation (Patient) and the viewport's rotation and flips. Pure, so it is unit-tested.
 *
 * DICOM's patient coordinate system is LPS: +x towards the patient's Left, +y Posterior,
 * +z Head (superior). The row cosines point along a row (to the image's right), the column
 * cosines down a column (to the image's bottom).
 */
export type Vector3 = readonly [number, number, number];

export interface ViewTransform {
  /** Degrees clockwise, as cornerstone applies it (before the flips, in screen space). */
  rotation: number;
  hflip: boolean;
  vflip: boolean;
}

export interface EdgeMarkers {
  top: string;
  right: string;
  bottom: string;
  left: string;
}

/** Components smaller than this (about 75° off the axis) do not name a direction. */
const OBLIQUE_THRESHOLD = 0.25;

/** "L", "PH", "RAF"…: the strongest direction first. */
export function directionLabel(v: Vector3): string {
  const letters: Array<[number, string]> = [
    [Math.abs(v[0]), v[0] > 0 ? 'L' : 'R'],
    [Math.abs(v[1]), v[1] > 0 ? 'P' : 'A'],
    [Math.abs(v[2]), v[2] > 0 ? 'H' : 'F'],
  ];
  return letters
    .filter(([size]) => size > OBLIQUE_THRESHOLD)
    .sort((a, b) => b[0] - a[0])
    .map(([, letter]) => letter)
    .join('');
}

/**
 * The image-space direction (x along rows, y down columns) that appears towards screen direction
 * `screen`. Cornerstone draws image → flip → rotate; undo them in the reverse order.
 */
function imageDirectionTowards(screen: readonly [number, number], view: ViewTransform): [number, number] {
  const angle = (-view.rotation * Math.PI) / 180;
  const cos = Math.round(Math.cos(angle) * 1e9) / 1e9;
  const sin = Math.round(Math.sin(angle) * 1e9) / 1e9;
  const x = screen[0] * cos - screen[1] * sin;
  const y = screen[0] * sin + screen[1] * cos;
  return [view.hflip ? -x : x, view.vflip ? -y : y];
}

function patientDirection(direction: [number, number], row: Vector3, column: Vector3): Vector3 {
  const [a, b] = direction;
  return [a * row[0] + b * column[0], a * row[1] + b * column[1], a * row[2] + b * column[2]];
}

export function edgeMarkers(row: Vector3, column: Vector3, view: ViewTransform): EdgeMarkers {
  const towards = (screen: readonly [number, number]) => directionLabel(patientDirection(imageDirectionTowards(screen, view), row, column));
  return { right: towards([1, 0]), left: towards([-1, 0]), bottom: towards([0, 1]), top: towards([0, -1]) };
}
