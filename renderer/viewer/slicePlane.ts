/**
 * Where a slice lies in its stack: the distance along the stack's normal (the cross product of
 * the image's row and column directions) of Image Position (Patient). Pure, so it is unit-tested.
 */
import type { Vector3 } from './orientation';

export interface SlicePlane {
  /** Millimetres along `normal`. */
  position: number;
  normal: Vector3;
}

export function slicePlaneOf(imagePosition: readonly number[] | null | undefined, rowCosines: readonly number[] | null | undefined, columnCosines: readonly number[] | null | undefined): SlicePlane | null {
  if (imagePosition?.length !== 3 || rowCosines?.length !== 3 || columnCosines?.length !== 3) return null;
  const [rx, ry, rz] = rowCosines as [number, number, number];
  const [cx, cy, cz] = columnCosines as [number, number, number];
  const normal = [ry * cz - rz * cy, rz * cx - rx * cz, rx * cy - ry * cx] as const;
  const length = Math.hypot(...normal);
  if (!(length > 0.5)) return null;
  const unit: Vector3 = [normal[0] / length, normal[1] / length, normal[2] / length];
  const [px, py, pz] = imagePosition as [number, number, number];
  const position = px * unit[0] + py * unit[1] + pz * unit[2];
  return Number.isFinite(position) ? { position, normal: unit } : null;
}

/** Stacks whose normals agree within about 8°, or point opposite ways (the sign says which). */
export function parallelSign(a: Vector3, b: Vector3): 1 | -1 | 0 {
  const dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  return dot > 0.99 ? 1 : dot < -0.99 ? -1 : 0;
}

/** The index among `planes` (null: not known yet) whose position is nearest `target`; -1 when none is known. */
export function nearestSlice(planes: ReadonlyArray<SlicePlane | null>, target: number): number {
  let best = -1;
  let bestDistance = Number.POSITIVE_INFINITY;
  planes.forEach((plane, index) => {
    if (!plane) return;
    const distance = Math.abs(plane.position - target);
    if (distance < bestDistance) {
      best = index;
      bestDistance = distance;
    }
  });
  return best;
}
