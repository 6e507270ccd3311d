/**
 * Starts the cornerstone stack once per page: cornerstone-core, the image loader (with its decode
 * workers and WebAssembly codecs), dicom-parser, and cornerstone-tools for the mouse tools.
 *
 * The image loader is the dynamic-import build, served unchanged under IMAGE_DECODER_PATH and
 * loaded as a classic <script>: it derives where its worker, chunks and codecs live from its own
 * script URL, and bundling it would break that. That build lets the page keep a CSP without
 * 'unsafe-eval'; the worker gets its own policy (shared/security/contentSecurityPolicy.ts).
 */
import cornerstone from 'cornerstone-core';
import cornerstoneMath from 'cornerstone-math';
import cornerstoneTools from 'cornerstone-tools';
import * as dicomParser from 'dicom-parser';
import Hammer from 'hammerjs';
import { IMAGE_DECODER_PATH } from '../../../shared/security/contentSecurityPolicy';
import { createMetadataFixes } from './metadataFixes';
import { DEFAULT_MOUSE_BINDINGS } from '../bindings';
import { registerAnnotationTools } from './annotationTools';
import { applyMouseBindings } from './mouseBindings';
import { registerMprImages } from './mprImages';

/** Decoded images kept in memory; a 134-slice CT is ~70 MB, so several studies fit. */
const IMAGE_CACHE_BYTES = 1536 * 1024 * 1024;

export interface CornerstoneStack {
  cornerstone: typeof cornerstone;
  tools: typeof cornerstoneTools;
  loader: CornerstoneWadoImageLoader;
}

let started: Promise<CornerstoneStack> | null = null;

function loadClassicScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.async = false;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`The image decoder (${src}) could not be loaded.`));
    document.head.append(script);
  });
}

async function start(): Promise<CornerstoneStack> {
  // Relative to the page, so it works for app://lumen/ and the browser host alike.
  await loadClassicScript(`${IMAGE_DECODER_PATH.slice(1)}cornerstoneWADOImageLoader.min.js`);
  const loader = window.cornerstoneWADOImageLoader;
  if (!loader) throw new Error('The image decoder script loaded but did not start.');

  // Setting `external.cornerstone` registers the wadouri: loader and its metadata provider.
  loader.external.dicomParser = dicomParser;
  loader.external.cornerstone = cornerstone;
  loader.configure({ strict: false });
  loader.webWorkerManager.initialize({
    // One worker per core, started now so the first image does not wait for a worker to boot.
    maxWebWorkers: Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 8)),
    startWebWorkersOnDemand: false,
    taskConfiguration: { decodeTask: { initializeCodecsOnStartup: false, strict: false } },
  });
  cornerstone.imageCache.setMaximumSizeBytes(IMAGE_CACHE_BYTES);

  cornerstoneTools.external.cornerstone = cornerstone;
  cornerstoneTools.external.cornerstoneMath = cornerstoneMath;
  cornerstoneTools.external.Hammer = Hammer;
  // globalToolSyncEnabled: viewports enabled later (a new layout) get the tools' active buttons too.
  cornerstoneTools.init({ mouseEnabled: true, touchEnabled: false, globalToolSyncEnabled: true, showSVGCursors: false });
  cornerstoneTools.addTool(cornerstoneTools.WwwcTool);
  cornerstoneTools.addTool(cornerstoneTools.PanTool);
  cornerstoneTools.addTool(cornerstoneTools.ZoomTool, { configuration: { invert: false, preventZoomOutsideImage: false, minScale: 0.05, maxScale: 40 } });
  const stack = { cornerstone, tools: cornerstoneTools, loader };
  // Before the loader's own provider (priority 0): see metadataFixes.ts.
  cornerstone.metaData.addProvider(createMetadataFixes(stack), 100);
  registerMprImages(stack);
  registerAnnotationTools(stack);
  applyMouseBindings(stack, DEFAULT_MOUSE_BINDINGS);
  return stack;
}


/** The started stack; the first call starts it. A failed start is retried by the next call. */
export function cornerstoneStack(): Promise<CornerstoneStack> {
  started ??= start().catch((error: unknown) => {
    started = null;
    throw error;
  });
  return started;
}
