/** Image ids for the wadouri: loader and loading with a deadline. */
import type { Image } from 'cornerstone-core';
import type { ViewerInstance } from '../../../shared/api';
import { type CornerstoneStack, cornerstoneStack } from './cornerstoneSetup';

/**
 * How long one image may take from request to decoded pixels. A decode worker that died (or
 * never started) leaves cornerstone's promise pending forever; the person must see an error
 * instead. Generous, because a big compressed image on a busy two-core machine is slow.
 */
export const IMAGE_LOAD_TIMEOUT_MS = 30_000;

/** The person's own deadline (Settings, or tests), in milliseconds, if they set one. */
export const IMAGE_LOAD_TIMEOUT_SETTING = 'lumen.viewer.imageLoadTimeoutMs';

function imageLoadTimeout(): number {
  const stored = Number(globalThis.localStorage?.getItem(IMAGE_LOAD_TIMEOUT_SETTING));
  return Number.isFinite(stored) && stored >= 1000 ? stored : IMAGE_LOAD_TIMEOUT_MS;
}

/** One id per frame, in order; the loader's frame parameter counts from 0. */
export function imageIdsFor(instances: readonly ViewerInstance[]): string[] {
  const ids: string[] = [];
  for (const instance of instances) {
    if (instance.frames <= 1) {
      if (instance.frames === 1) ids.push(`wadouri:${instance.url}`);
      continue;
    }
    for (let frame = 0; frame < instance.frames; frame += 1) ids.push(`wadouri:${instance.url}?frame=${frame}`);
  }
  return ids;
}

/** The image id of one frame (0-based) of an instance. */
export function imageIdFor(instance: ViewerInstance, frame: number): string {
  return instance.frames > 1 ? `wadouri:${instance.url}?frame=${frame}` : `wadouri:${instance.url}`;
}

/** The frame (0-based) an image id names; 0 for single-frame images. */
export function frameOfImageId(imageId: string): number {
  const match = /[?&]frame=(\d+)$/.exec(imageId);
  return match?.[1] ? Number.parseInt(match[1], 10) : 0;
}

/** The URL part of an image id (what the loader keys its parsed data sets by). */
export function urlOfImageId(imageId: string): string {
  const withoutScheme = imageId.replace(/^wadouri:/, '');
  const frameAt = withoutScheme.search(/[?&]frame=/);
  return frameAt === -1 ? withoutScheme : withoutScheme.slice(0, frameAt);
}

export class ImageLoadError extends Error {
  constructor(
    message: string,
    readonly imageId: string,
  ) {
    super(message);
    this.name = 'ImageLoadError';
  }
}

function describeLoadFailure(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  if (typeof reason === 'object' && reason !== null) {
    // The loader rejects with { error: XMLHttpRequest | Error } objects rather than Errors.
    const inner = (reason as { error?: unknown }).error;
    if (inner instanceof Error) return inner.message;
    if (typeof XMLHttpRequest !== 'undefined' && inner instanceof XMLHttpRequest) return `the file could not be fetched (HTTP ${inner.status})`;
    const message = (reason as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return 'the image could not be decoded';
}

const normalised = new WeakSet<Image>();

/**
 * Keeps only the Bits Stored of each pixel, sign-extended from the High Bit for signed data, as
 * PS3.5 §8 and DCMTK do. The loader hands out the whole 16-bit cell, so bits above the stored
 * ones (old overlay planes, or garbage) turned into wildly wrong values. Only images whose
 * range shows such bits are touched.
 */
function keepStoredBits(stack: CornerstoneStack, image: Image): void {
  if (normalised.has(image) || image.color) return;
  normalised.add(image);
  const pixel = stack.cornerstone.metaData.get('imagePixelModule', image.imageId) as { bitsStored?: number; bitsAllocated?: number; pixelRepresentation?: number } | undefined;
  const bitsStored = pixel?.bitsStored ?? 0;
  if (!pixel || bitsStored <= 0 || bitsStored >= (pixel.bitsAllocated ?? 0) || bitsStored > 31) return;
  const signed = pixel.pixelRepresentation === 1;
  const low = signed ? -(2 ** (bitsStored - 1)) : 0;
  const high = signed ? 2 ** (bitsStored - 1) - 1 : 2 ** bitsStored - 1;
  if (image.minPixelValue >= low && image.maxPixelValue <= high) return;
  const data = image.getPixelData() as unknown as { length: number; [index: number]: number };
  const mask = 2 ** bitsStored - 1;
  const signBit = 2 ** (bitsStored - 1);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i += 1) {
    const bits = (data[i] ?? 0) & mask;
    const value = signed ? (bits ^ signBit) - signBit : bits;
    data[i] = value;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  image.minPixelValue = min;
  image.maxPixelValue = max;
}

/**
 * Loads (and caches) one image, or fails with a readable reason after the deadline. `loader`
 * supplies the file's bytes (an InstanceBundle) instead of the image loader's own request.
 */
export async function loadImage(imageId: string, options: { timeoutMs?: number; loader?: (url: string) => Promise<ArrayBuffer> } = {}): Promise<Image> {
  const timeoutMs = options.timeoutMs ?? imageLoadTimeout();
  const stack = await cornerstoneStack();
  const { cornerstone } = stack;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ImageLoadError(`no image after ${Math.round(timeoutMs / 1000)} s (the decoder is not answering)`, imageId)), timeoutMs);
  });
  try {
    const image = await Promise.race([
      cornerstone.loadAndCacheImage(imageId, options.loader ? { loader: options.loader } : undefined).catch((reason: unknown) => {
        throw new ImageLoadError(describeLoadFailure(reason), imageId);
      }),
      deadline,
    ]);
    keepStoredBits(stack, image);
    return image;
  } finally {
    clearTimeout(timer);
  }
}
