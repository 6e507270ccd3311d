/** Rendering an image outside a viewport: series thumbnails and actual-size renders. */
import { cornerstoneStack } from './cornerstoneSetup';
import { loadImage } from './imageLoading';
import { fullRangeWindow } from './modalityRange';

/** Draws the image fitted into the canvas, with its own default window. */
export async function renderThumbnail(canvas: HTMLCanvasElement, imageId: string): Promise<void> {
  const [{ cornerstone }, image] = await Promise.all([cornerstoneStack(), loadImage(imageId)]);
  cornerstone.renderToCanvas(canvas, image);
}

export interface ActualSizeRender {
  width: number;
  height: number;
  /** RGBA, row by row, as drawn. */
  rgba: Uint8ClampedArray;
  color: boolean;
  /** The window drawn with, when one was given (or computed for 'auto'). */
  window: { windowWidth: number; windowCenter: number } | null;
}

export type RenderWindow = { windowWidth: number; windowCenter: number } | 'auto' | 'default';

/**
 * Draws the image at one canvas pixel per image pixel (no interpolation), with the given window,
 * a window over the whole pixel range ('auto'), or the image's own default. This is what "copy image at actual size" and the display check
 * (tests/fidelity) read back: the same cornerstone rendering path as the viewports.
 */
export async function renderActualSize(imageId: string, requested: RenderWindow = 'default'): Promise<ActualSizeRender> {
  const [{ cornerstone }, image] = await Promise.all([cornerstoneStack(), loadImage(imageId)]);
  const window = requested === 'auto' ? fullRangeWindow(image) : requested === 'default' ? null : requested;
  const canvas = document.createElement('canvas');
  canvas.width = image.columns;
  canvas.height = image.rows;
  cornerstone.renderToCanvas(canvas, image, {
    scale: 1,
    translation: { x: 0, y: 0 },
    pixelReplication: true,
    ...(window ? { voi: window, voiLUT: undefined } : {}),
  });
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas context');
  const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
  return { width: canvas.width, height: canvas.height, rgba: data, color: image.color, window };
}
