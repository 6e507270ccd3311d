/**
 * A metadata provider answering before the image loader's own, where that one is wrong:
 * segmented palettes (segmentedPalette.ts), Modality LUT data, and per-frame metadata of enhanced multi-frame objects (Enhanced CT/MR…), whose Rescale, Window,
 * Pixel Spacing and plane live in functional groups rather than at the top level.
 *
 * Why this exists: cornerstone-wado-image-loader 4.13.2's wadouri metadata provider counts the
 * `frame=` parameter from 1 when it merges functional groups, but its pixel decoding counts the
 * same parameter from 0, and for frame 0 it skips the groups altogether. The first frame of an
 * Enhanced CT was therefore shown without its Rescale Intercept (stored values instead of HU),
 * which the fidelity test against DCMTK caught. This provider answers first, for frame indexes
 * counted from 0 like the pixels, per PS3.3 C.7.6.16 (per-frame group first, then shared).
 */
import type { DataSet } from 'dicom-parser';
import type { CornerstoneStack } from './cornerstoneSetup';
import { urlOfImageId } from './imageLoading';
import { hasSegmentedPalette, imagePixelModuleWithExpandedPalette } from './segmentedPalette';

const PER_FRAME_GROUPS = 'x52009230';
const SHARED_GROUPS = 'x52009229';
const PIXEL_VALUE_TRANSFORMATION = 'x00289145';
const FRAME_VOI_LUT = 'x00289132';
const PIXEL_MEASURES = 'x00289110';
const PLANE_ORIENTATION = 'x00209116';
const PLANE_POSITION = 'x00209113';

function numbers(dataSet: DataSet | undefined, tag: string): number[] | undefined {
  const text = dataSet?.string(tag);
  if (text === undefined) return undefined;
  const values = text.split('\\').map((part) => Number.parseFloat(part));
  return values.every(Number.isFinite) ? values : undefined;
}

function firstItem(dataSet: DataSet | undefined, tag: string): DataSet | undefined {
  return dataSet?.elements[tag]?.items?.[0]?.dataSet;
}

/**
 * A Modality LUT Sequence as the loader should read it: LUT Data entries are unsigned (US/OW)
 * whatever the pixel representation; only the first value mapped follows the pixels' sign. The
 * loader read them as signed for signed images, turning entries above 32767 negative.
 */
function modalityLutModule(dataSet: DataSet): Record<string, unknown> | undefined {
  const item = firstItem(dataSet, 'x00283000');
  const descriptor = item?.elements['x00283002'];
  const data = item?.elements['x00283006'];
  if (!item || !descriptor || !data) return undefined;
  const signed = dataSet.uint16('x00280103') === 1;
  const entries = item.uint16('x00283002', 0) || 65536;
  const firstValueMapped = signed ? (item.int16('x00283002', 1) ?? 0) : (item.uint16('x00283002', 1) ?? 0);
  const bits = item.uint16('x00283002', 2) ?? 16;
  const packedBytes = bits <= 8 && data.length === entries;
  const bytes = item.byteArray as Uint8Array;
  const lut = Array.from({ length: entries }, (_, i) => (packedBytes ? (bytes[data.dataOffset + i] ?? 0) : (item.uint16('x00283006', i) ?? 0)));
  return {
    rescaleIntercept: 0,
    rescaleSlope: 1,
    rescaleType: item.string('x00283004'),
    modalityLUTSequence: [{ id: '1', firstValueMapped, numBitsPerEntry: bits, lut }],
  };
}

/**
 * Projection radiographs often carry only Imager Pixel Spacing (0018,1164): distances at the
 * detector, not in the patient (magnification is not corrected). The loader ignores it; here it
 * is passed on under cornerstone-tools' own names for it, so that measurements use it and the
 * viewer can say which calibration they rest on.
 */
function withImagerPixelSpacing(stack: CornerstoneStack, imageId: string): unknown {
  const dataSet = stack.loader.wadouri.dataSetCacheManager.get(urlOfImageId(imageId)) as DataSet | undefined;
  const imager = numbers(dataSet, 'x00181164');
  if (!dataSet || !imager || imager.length < 2 || dataSet.elements['x00280030']) return undefined;
  const base = stack.loader.wadouri.metaData.metaDataProvider('imagePlaneModule', imageId) as Record<string, unknown> | undefined;
  return { ...base, rowImagePixelSpacing: imager[0], colImagePixelSpacing: imager[1] };
}

export function createMetadataFixes(stack: CornerstoneStack) {
  return (type: string, imageId: string): unknown => {
    if ((type === 'imagePixelModule' || type === 'modalityLutModule') && imageId.startsWith('wadouri:')) {
      const dataSet = stack.loader.wadouri.dataSetCacheManager.get(urlOfImageId(imageId)) as DataSet | undefined;
      if (type === 'imagePixelModule') return dataSet && hasSegmentedPalette(dataSet) ? imagePixelModuleWithExpandedPalette(dataSet) : undefined;
      const modalityLut = dataSet ? modalityLutModule(dataSet) : undefined;
      if (modalityLut) return modalityLut;
    }
    const frameMatch = /[?&]frame=(\d+)$/.exec(imageId);
    if (!frameMatch?.[1] && type === 'imagePlaneModule' && imageId.startsWith('wadouri:')) return withImagerPixelSpacing(stack, imageId);
    if (!frameMatch?.[1] || !imageId.startsWith('wadouri:')) return undefined;
    const frameIndex = Number.parseInt(frameMatch[1], 10);
    const dataSet = stack.loader.wadouri.dataSetCacheManager.get(urlOfImageId(imageId)) as DataSet | undefined;
    if (!dataSet) return undefined;
    const perFrame = dataSet.elements[PER_FRAME_GROUPS]?.items?.[frameIndex]?.dataSet;
    const shared = firstItem(dataSet, SHARED_GROUPS);
    if (!perFrame && !shared) return undefined;
    const group = (tag: string): DataSet | undefined => firstItem(perFrame, tag) ?? firstItem(shared, tag);

    if (type === 'modalityLutModule') {
      const transformation = group(PIXEL_VALUE_TRANSFORMATION);
      if (!transformation) return undefined;
      return {
        rescaleIntercept: numbers(transformation, 'x00281052')?.[0] ?? 0,
        rescaleSlope: numbers(transformation, 'x00281053')?.[0] ?? 1,
        rescaleType: transformation.string('x00281054'),
      };
    }
    if (type === 'voiLutModule') {
      const voi = group(FRAME_VOI_LUT);
      const windowCenter = numbers(voi, 'x00281050');
      const windowWidth = numbers(voi, 'x00281051');
      return windowCenter && windowWidth ? { windowCenter, windowWidth } : undefined;
    }
    if (type === 'imagePlaneModule') {
      const measures = group(PIXEL_MEASURES);
      const orientation = numbers(group(PLANE_ORIENTATION), 'x00200037');
      const position = numbers(group(PLANE_POSITION), 'x00200032');
      const spacing = numbers(measures, 'x00280030');
      if (!measures && !orientation && !position) return undefined;
      return {
        frameOfReferenceUID: dataSet.string('x00200052'),
        rows: dataSet.uint16('x00280010'),
        columns: dataSet.uint16('x00280011'),
        imageOrientationPatient: orientation,
        rowCosines: orientation?.slice(0, 3),
        columnCosines: orientation?.slice(3, 6),
        imagePositionPatient: position,
        sliceThickness: numbers(measures, 'x00180050')?.[0],
        sliceLocation: undefined,
        pixelSpacing: spacing,
        rowPixelSpacing: spacing?.[0],
        columnPixelSpacing: spacing?.[1],
      };
    }
    return undefined;
  };
}
