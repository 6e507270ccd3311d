/**
 * MPR images for cornerstone: one volume at a time, built from a stack's decoded images
 * (volumeGeometry.ts says whether they make one), and the `mpr:` image loader and metadata
 * provider that answer for its reformatted images. The metadata gives each reformatted image
 * its plane in the patient, so orientation markers, the scale bar, measurements, reference lines
 * and cross-reference work on them as on acquired slices; everything else (modality, patient,
 * windows) is the acquired images' own.
 */
import type { Image } from 'cornerstone-core';
import type { CornerstoneStack } from './cornerstoneSetup';
import { imagePlaneOf, type ImagePlaneModule } from '../referenceLine';
import { NO_SLAB, type PlaneName, planVolume, type Reformat, reformatPlane, reformatSpacing, reformatsOf, sampleReformat, type Slab, type SlabMode, slabHalfWidth, type VolumeLayout } from '../volumeGeometry';

const MPR_SCHEME = 'mpr';

type PixelArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

interface Volume {
  id: number;
  /** What it was built from (the series UID): asked for again, it is not rebuilt. */
  key: string;
  layout: VolumeLayout;
  reformats: Reformat[];
  voxels: PixelArray;
  slope: number;
  intercept: number;
  /** A slice from the middle of the stack: its header answers everything but the plane. */
  sourceImageId: string;
  first: Image;
}

/** Voxels kept in memory at most (a 134-slice CT is 70 MB; 1,000 slices of 512 × 512 at 2 bytes, 512 MB). */
const MAX_VOLUME_BYTES = 1024 * 1024 * 1024;

/** The one volume kept (a 134-slice CT is 70 MB of voxels): building another drops it. */
let current: Volume | null = null;
let nextId = 1;

function arrayLike(kind: ArrayLike<number>, length: number): PixelArray {
  if (kind instanceof Int16Array) return new Int16Array(length);
  if (kind instanceof Uint16Array) return new Uint16Array(length);
  if (kind instanceof Uint8Array) return new Uint8Array(length);
  if (kind instanceof Int8Array) return new Int8Array(length);
  if (kind instanceof Int32Array) return new Int32Array(length);
  if (kind instanceof Uint32Array) return new Uint32Array(length);
  if (kind instanceof Float64Array) return new Float64Array(length);
  return new Float32Array(length);
}

/** A reformatted image's id: the volume, which reformat, which position along it, and its slab. */
function mprImageId(volume: Volume, reformat: number, index: number, slab: Slab): string {
  return `${MPR_SCHEME}:${volume.id}/${reformat}/${index}/${slab.half}/${slab.mode}`;
}

function parse(imageId: string): { volume: Volume; reformat: Reformat; index: number; slab: Slab } | null {
  const match = /^mpr:(\d+)\/(\d+)\/(\d+)\/(\d+)\/(mip|minip|mean)$/.exec(imageId);
  if (!match || !current || Number(match[1]) !== current.id) return null;
  const reformat = current.reformats[Number(match[2])];
  const index = Number(match[3]);
  return reformat && index < reformat.count ? { volume: current, reformat, index, slab: { half: Number(match[4]), mode: match[5] as SlabMode } } : null;
}

/** Lets the volume go (MPR closed, another study opened): its 70 MB or more are not kept for nothing. */
export function releaseVolume(): void {
  current = null;
}

export function isMprImageId(imageId: string): boolean {
  return imageId.startsWith(`${MPR_SCHEME}:`);
}

/** The acquired image whose header speaks for a reformatted one (modality, patient, windows); null for other ids. */
export function headerImageIdOf(imageId: string): string | null {
  return parse(imageId)?.volume.sourceImageId ?? null;
}

/** One reformat's images as a viewport shows them, with the slab they are made with. */
const SLAB_NAMES: Readonly<Record<SlabMode, string>> = { mip: 'MIP', minip: 'MinIP', mean: 'mean' };

/** What a reformatted image is, for its overlay: "MPR sagittal", "MPR coronal · MIP slab"; null for other ids. */
export function describeReformat(imageId: string): string | null {
  const found = parse(imageId);
  if (!found) return null;
  return `MPR ${found.reformat.name}${found.slab.half > 0 ? ` · ${SLAB_NAMES[found.slab.mode]} slab` : ''}`;
}

export interface ReformatSeries {
  name: PlaneName;
  /** Which of the volume's reformats (reformatsOf): across rows, across columns, along the slices. */
  reformat: number;
  imageIds: string[];
  /** Millimetres the slab covers; 0 without one. */
  slabMm: number;
  mode: SlabMode;
}

export type VolumeResult = { ok: true; reformats: ReformatSeries[] } | { ok: false; reason: string };

function seriesOf(volume: Volume, reformat: number, slab: Slab): ReformatSeries {
  const family = volume.reformats[reformat]!;
  const images = Array.from({ length: family.count }, (_, index) => mprImageId(volume, reformat, index, slab));
  return { name: family.name, reformat, imageIds: images, slabMm: slab.half > 0 ? (2 * slab.half + 1) * reformatSpacing(volume.layout, family) : 0, mode: slab.mode };
}

/**
 * The same reformat made with a slab of about `thicknessMm` (0: none), combined by `mode`; null
 * when its volume is no longer in memory.
 */
export function withSlab(series: ReformatSeries, thicknessMm: number, mode: SlabMode): ReformatSeries | null {
  const volume = current;
  const family = volume?.reformats[series.reformat];
  if (!volume || !family || !series.imageIds[0] || parse(series.imageIds[0]) === null) return null;
  return seriesOf(volume, series.reformat, { half: slabHalfWidth(thicknessMm, reformatSpacing(volume.layout, family)), mode });
}

/**
 * The reformats of a stack whose images are all loaded (`images`, in the stack's order), built
 * once per `key`. Refuses colour images and stacks that are not one regular volume, saying why.
 */
export function buildVolume(stack: CornerstoneStack, key: string, images: readonly Image[]): VolumeResult {
  if (current?.key !== key) {
    if (images.some((image) => image.color)) return { ok: false, reason: 'colour images are not reformatted' };
    const plan = planVolume(images.map((image) => imagePlaneOf(stack.cornerstone.metaData.get('imagePlaneModule', image.imageId) as ImagePlaneModule | undefined)));
    if (!plan.ok) return plan;
    const { layout } = plan;
    const first = images[layout.order[0]!]!;
    const sliceSize = layout.columns * layout.rows;
    // Stored values when every slice shares one rescale and pixel type (CT does); else modality values.
    const kind = first.getPixelData().constructor;
    const oneRescale = images.every((image) => image.slope === first.slope && image.intercept === first.intercept && image.getPixelData().constructor === kind);
    const bytes = sliceSize * layout.slices * (oneRescale ? arrayLike(first.getPixelData(), 0).BYTES_PER_ELEMENT : Float32Array.BYTES_PER_ELEMENT);
    if (bytes > MAX_VOLUME_BYTES) return { ok: false, reason: `the volume would take ${Math.round(bytes / 1024 / 1024)} MB of memory, more than the ${MAX_VOLUME_BYTES / 1024 / 1024} MB kept for it` };
    const voxels = oneRescale ? arrayLike(first.getPixelData(), sliceSize * layout.slices) : new Float32Array(sliceSize * layout.slices);
    layout.order.forEach((imageIndex, slice) => {
      const image = images[imageIndex]!;
      const pixels = image.getPixelData();
      const offset = slice * sliceSize;
      if (oneRescale) voxels.set(pixels, offset);
      else for (let i = 0; i < sliceSize; i += 1) voxels[offset + i] = (pixels[i] ?? 0) * image.slope + image.intercept;
    });
    current = {
      id: nextId++,
      key,
      layout,
      reformats: reformatsOf(layout),
      voxels,
      slope: oneRescale ? first.slope : 1,
      intercept: oneRescale ? first.intercept : 0,
      sourceImageId: images[layout.order[Math.floor(layout.slices / 2)]!]!.imageId,
      first,
    };
  }
  const volume = current;
  return { ok: true, reformats: volume.reformats.map((_, r) => seriesOf(volume, r, NO_SLAB)) };
}

function reformattedImage(imageId: string): Image {
  const found = parse(imageId);
  if (!found) throw new Error('this reformat is no longer in memory (another series was reformatted since): press MPR again');
  const { volume, reformat, index, slab } = found;
  const pixels = arrayLike(volume.voxels, reformat.rows * reformat.columns);
  sampleReformat(volume.voxels, volume.layout, reformat, index, pixels, slab);
  let min = Infinity;
  let max = -Infinity;
  for (const value of pixels) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const plane = reformatPlane(volume.layout, reformat, index);
  return {
    imageId,
    minPixelValue: min,
    maxPixelValue: max,
    slope: volume.slope,
    intercept: volume.intercept,
    windowCenter: volume.first.windowCenter,
    windowWidth: volume.first.windowWidth,
    rows: plane.rows,
    columns: plane.columns,
    height: plane.rows,
    width: plane.columns,
    color: false,
    columnPixelSpacing: plane.columnSpacing,
    rowPixelSpacing: plane.rowSpacing,
    invert: volume.first.invert,
    sizeInBytes: pixels.byteLength,
    getPixelData: () => pixels,
  };
}

/** Registers the `mpr:` image loader and the metadata of its images; once, when the stack starts. */
export function registerMprImages(stack: CornerstoneStack): void {
  const { cornerstone } = stack;
  cornerstone.registerImageLoader(MPR_SCHEME, (imageId: string) => ({
    promise: new Promise<Image>((resolve) => resolve(reformattedImage(imageId))),
  }));
  cornerstone.metaData.addProvider((type: string, imageId: string): unknown => {
    const found = isMprImageId(imageId) ? parse(imageId) : null;
    if (!found) return undefined;
    const { volume, reformat, index, slab } = found;
    if (type === 'imagePlaneModule') {
      const plane = reformatPlane(volume.layout, reformat, index);
      const fixedSpacing = reformatSpacing(volume.layout, reformat);
      return {
        frameOfReferenceUID: plane.frameOfReferenceUid,
        rows: plane.rows,
        columns: plane.columns,
        imagePositionPatient: [...plane.position],
        rowCosines: [...plane.row],
        columnCosines: [...plane.column],
        imageOrientationPatient: [...plane.row, ...plane.column],
        pixelSpacing: [plane.rowSpacing, plane.columnSpacing],
        rowPixelSpacing: plane.rowSpacing,
        columnPixelSpacing: plane.columnSpacing,
        // One voxel thick (nearest-slice sampling), or the slab's images together.
        sliceThickness: fixedSpacing * (2 * slab.half + 1),
        sliceLocation: undefined,
      };
    }
    if (type === 'modalityLutModule') return { rescaleSlope: volume.slope, rescaleIntercept: volume.intercept };
    // Everything else (modality, patient, pixel format) is the acquired slices'.
    return cornerstone.metaData.get(type, volume.sourceImageId);
  }, 200);
}
