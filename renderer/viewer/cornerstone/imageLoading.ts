/** Image ids for the wadouri: loader and loading with a deadline. */
import type { Image } from 'cornerstone-core';
import type { ViewerInstance } from '../../../shared/api';
import { cornerstoneStack } from './cornerstoneSetup';

/**
 * How long one image may take from request to decoded pixels. A decode worker that died (or
 * never started) leaves cornerstone's promise pending forever; the person must see an error
 * instead. Generous, because a big compressed image on a busy two-core machine is slow.
 */
export const IMAGE_LOAD_TIMEOUT_MS = 30_000;

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

/** Loads (and caches) one image, or fails with a readable reason after the deadline. */
export async function loadImage(imageId: string, timeoutMs = IMAGE_LOAD_TIMEOUT_MS): Promise<Image> {
  const { cornerstone } = await cornerstoneStack();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ImageLoadError(`no image after ${Math.round(timeoutMs / 1000)} s (the decoder is not answering)`, imageId)), timeoutMs);
  });
  try {
    return await Promise.race([
      cornerstone.loadAndCacheImage(imageId).catch((reason: unknown) => {
        throw new ImageLoadError(describeLoadFailure(reason), imageId);
      }),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
