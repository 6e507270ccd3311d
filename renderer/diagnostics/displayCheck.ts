/**
 * The display check page (display-check.html): renders one library image at actual size, with
 * a given window, through exactly the rendering path the viewports use, and hands back the
 * pixels as drawn. tests/fidelity compares them with DCMTK; a physicist checking a display can
 * use it the same way. It reads images only by the URLs the API hands out.
 */
import { type RenderWindow, renderActualSize } from '../viewer/cornerstone/renderImage';

export type CheckWindow = RenderWindow;

export interface CheckResult {
  width: number;
  height: number;
  /** 1 for greyscale (the red channel of what was drawn), 3 for colour (RGB). */
  channels: 1 | 3;
  /** The drawn pixels, base64. */
  pixels: string;
  /** The window used, in modality units (null for colour or a VOI LUT). */
  window: { windowWidth: number; windowCenter: number } | null;
}

function toBase64(bytes: Uint8Array): string {
  let text = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) text += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(text);
}

async function render(url: string, frame: number | null, window: CheckWindow): Promise<CheckResult> {
  const imageId = frame === null ? `wadouri:${url}` : `wadouri:${url}?frame=${frame}`;
  const drawn = await renderActualSize(imageId, window);
  const channels = drawn.color ? 3 : 1;
  const out = new Uint8Array(drawn.width * drawn.height * channels);
  for (let pixel = 0, o = 0; pixel < drawn.width * drawn.height; pixel += 1) {
    for (let c = 0; c < channels; c += 1) out[o++] = drawn.rgba[pixel * 4 + c] ?? 0;
  }
  return { width: drawn.width, height: drawn.height, channels, pixels: toBase64(out), window: drawn.window };
}

declare global {
  interface Window {
    lumenDisplayCheck?: { render: typeof render };
  }
}

window.lumenDisplayCheck = { render };
const status = document.getElementById('status');
if (status) status.dataset['ready'] = 'true';
