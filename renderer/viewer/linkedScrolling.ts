/**
 * Linked scrolling: viewports showing parallel stacks move together, by position along their
 * normal, keeping the offset they had when they were linked. A prior lies in its own frame of
 * reference (other table height, other start), so the reader first brings both to the same
 * anatomy, then links; from there on each step in one is the same millimetres in the others.
 * Stacks in other orientations (a sagittal beside an axial) are left alone.
 */
import { nearestSlice, parallelSign, type SlicePlane } from './slicePlane';
import { viewportRegistry } from './viewportRegistry';

/** Each linked viewport's plane when the link was made. */
let anchors: Map<number, SlicePlane> | null = null;
/** Images the link asked a viewport to show: their arrival is not passed on again. */
const followed = new Map<number, number>();

/** Links the given viewports; answers false (nothing linked) when fewer than two have a slice position. */
export function linkStacks(slots: readonly number[]): boolean {
  const found = new Map<number, SlicePlane>();
  for (const slot of slots) {
    const viewport = viewportRegistry.get(slot);
    const plane = viewport?.slicePlaneAt(viewport.imageIndex) ?? null;
    if (plane) found.set(slot, plane);
  }
  const linkable = [...found.values()].some((plane, i, all) => all.some((other, j) => j !== i && parallelSign(plane.normal, other.normal) !== 0));
  anchors = linkable ? found : null;
  followed.clear();
  return linkable;
}

export function unlinkStacks(): void {
  anchors = null;
  followed.clear();
}

/** A viewport moved to image `index`: the others linked to it follow. */
export function imageShown(slot: number, index: number): void {
  if (!anchors) return;
  if (followed.get(slot) === index) {
    followed.delete(slot);
    return;
  }
  const source = anchors.get(slot);
  const plane = source ? viewportRegistry.get(slot)?.slicePlaneAt(index) : null;
  if (!source || !plane) return;
  for (const [other, anchor] of anchors) {
    if (other === slot) continue;
    const sign = parallelSign(source.normal, anchor.normal);
    const viewport = viewportRegistry.get(other);
    if (sign === 0 || !viewport) continue;
    const target = anchor.position + sign * (plane.position - source.position);
    const planes = Array.from({ length: viewport.imageCount }, (_, i) => viewport.slicePlaneAt(i));
    const nearest = nearestSlice(planes, target);
    if (nearest < 0 || nearest === viewport.imageIndex) continue;
    followed.set(other, nearest);
    void viewport.showImage(nearest);
  }
}
