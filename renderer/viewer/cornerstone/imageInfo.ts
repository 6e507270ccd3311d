/** What the overlays and tools need to know about the displayed image, read from its header. */
import type { Image } from 'cornerstone-core';
import type { DataSet } from 'dicom-parser';
import type { Calibration } from '../../../shared/api';
import { calibrationOf } from './annotationTools';
import type { CornerstoneStack } from './cornerstoneSetup';
import { urlOfImageId } from './imageLoading';
import { describeReformat, headerImageIdOf } from './mprImages';

export type Vector3 = readonly [number, number, number];

export interface ImageWindow {
  center: number;
  width: number;
  /** Window Center & Width Explanation, e.g. "WINDOW1" or "BONE". */
  name: string;
}

export interface ImageInfo {
  modality: string;
  instanceNumber: number | null;
  /** 1-based frame number within a multi-frame instance; null for single-frame images. */
  frameNumber: number | null;
  frames: number;
  seriesNumber: number | null;
  seriesDescription: string;
  sliceLocation: number | null;
  sliceThickness: number | null;
  rowCosines: Vector3 | null;
  columnCosines: Vector3 | null;
  /** Millimetres between pixel centres (row = vertical, column = horizontal); null when unknown. */
  pixelSpacing: { row: number; column: number } | null;
  /** The image's own windows, in the order the file lists them. */
  windows: ImageWindow[];
  /** Milliseconds per frame for cine, from Frame Time, Frame Time Vector or the recommended rate. */
  frameTimeMs: number | null;
  rows: number;
  columns: number;
  photometricInterpretation: string;
  patientAge: string;
  /** What distances on this image rest on. */
  calibration: Calibration;
  /** A reformatted (MPR) image: what it is ("MPR sagittal · MIP slab"); null for acquired images. */
  reformat: string | null;
}

interface ImagePlaneModule {
  rowCosines?: number[] | null;
  columnCosines?: number[] | null;
  sliceLocation?: number | null;
  sliceThickness?: number | null;
  pixelSpacing?: number[] | null;
}

function vector(values: number[] | null | undefined): Vector3 | null {
  if (!values || values.length < 3) return null;
  const [x = NaN, y = NaN, z = NaN] = values;
  return [x, y, z].every(Number.isFinite) ? [x, y, z] : null;
}

function finite(value: number | undefined | null): number | null {
  return value !== undefined && value !== null && Number.isFinite(value) ? value : null;
}

function numbersOf(text: string | undefined): number[] {
  return (text ?? '')
    .split('\\')
    .map((part) => Number.parseFloat(part))
    .filter(Number.isFinite);
}

export function readImageInfo(stack: CornerstoneStack, image: Image): ImageInfo {
  const { imageId } = image;
  // A reformatted image has no header of its own: an acquired slice's speaks for it, but for its plane.
  const headerImageId = headerImageIdOf(imageId);
  const dataSet = stack.loader.wadouri.dataSetCacheManager.get(urlOfImageId(headerImageId ?? imageId)) as DataSet | undefined;
  const plane = (stack.cornerstone.metaData.get('imagePlaneModule', imageId) ?? {}) as ImagePlaneModule;
  const text = (tag: string): string => dataSet?.string(tag)?.trim() ?? '';
  const frames = headerImageId ? 1 : Math.max(1, Number.parseInt(text('x00280008'), 10) || 1);
  const frameMatch = /[?&]frame=(\d+)/.exec(imageId);

  const centers = numbersOf(dataSet?.string('x00281050'));
  const widths = numbersOf(dataSet?.string('x00281051'));
  const names = (dataSet?.string('x00281055') ?? '').split('\\');
  const windows: ImageWindow[] = centers.flatMap((center, i) => {
    const width = widths[i];
    return width !== undefined && width > 0 ? [{ center, width, name: names[i]?.trim() || `Window ${i + 1}` }] : [];
  });

  // Frame Time, else the mean of the Frame Time Vector (its first entry is 0 by definition),
  // else Recommended Display Frame Rate or Cine Rate.
  const frameTime = Number.parseFloat(text('x00181063'));
  const frameTimes = numbersOf(dataSet?.string('x00181065')).filter((value) => value > 0);
  const vectorMean = frameTimes.length > 0 ? frameTimes.reduce((sum, value) => sum + value, 0) / frameTimes.length : 0;
  const recommendedRate = Number.parseFloat(text('x00082144')) || Number.parseFloat(text('x00180040'));
  const frameTimeMs = frameTime > 0 ? frameTime : vectorMean > 0 ? vectorMean : recommendedRate > 0 ? 1000 / recommendedRate : null;

  // Pixel Spacing (row\\column), from the top level or an enhanced object's functional groups.
  // The loader reports 1 mm when there is none; only a real value calibrates.
  const [rowSpacing, columnSpacing] = plane.pixelSpacing ?? [];
  const pixelSpacing = rowSpacing && columnSpacing && rowSpacing > 0 && columnSpacing > 0 ? { row: rowSpacing, column: columnSpacing } : null;

  return {
    modality: text('x00080060'),
    instanceNumber: !headerImageId && Number.isFinite(Number.parseInt(text('x00200013'), 10)) ? Number.parseInt(text('x00200013'), 10) : null,
    frameNumber: frames > 1 && frameMatch?.[1] ? Number.parseInt(frameMatch[1], 10) + 1 : null,
    frames,
    seriesNumber: Number.isFinite(Number.parseInt(text('x00200011'), 10)) ? Number.parseInt(text('x00200011'), 10) : null,
    seriesDescription: text('x0008103e'),
    sliceLocation: headerImageId ? null : (finite(plane.sliceLocation) ?? (text('x00201041') ? finite(Number.parseFloat(text('x00201041'))) : null)),
    sliceThickness: finite(plane.sliceThickness) ?? (text('x00180050') ? finite(Number.parseFloat(text('x00180050'))) : null),
    rowCosines: vector(plane.rowCosines),
    columnCosines: vector(plane.columnCosines),
    pixelSpacing,
    windows,
    frameTimeMs,
    rows: image.rows,
    columns: image.columns,
    photometricInterpretation: text('x00280004'),
    patientAge: text('x00101010'),
    calibration: calibrationOf(stack, imageId),
    reformat: describeReformat(imageId),
  };
}

