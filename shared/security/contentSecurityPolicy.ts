/**
 * The page's Content-Security-Policy, one string for every way the renderer is served:
 * the Electron shell sends it as a header for app:// responses, the browser host sends it as a
 * header, and the Vite build writes it into index.html as a <meta> tag. Having one source keeps
 * the three from drifting apart (two different policies would both apply, and the stricter
 * intersection would silently break one of them).
 *
 * No 'unsafe-eval' and no 'unsafe-inline': the viewer issue uses the image loader's
 * dynamic-import build, which only needs 'wasm-unsafe-eval' for its WebAssembly codecs.
 * `dicom:` is the Electron shell's pixel-data scheme; in the browser host pixels come from 'self'.
 */
const directives: ReadonlyArray<readonly [string, string]> = [
  ['default-src', "'self'"],
  ['script-src', "'self' 'wasm-unsafe-eval'"],
  ['style-src', "'self'"],
  ['img-src', "'self' data: blob:"],
  ['font-src', "'self'"],
  ['connect-src', "'self' dicom:"],
  ['worker-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['frame-src', "'none'"],
];

/** Directives a <meta> tag cannot carry (browsers ignore them there): header only. */
const headerOnlyDirectives: ReadonlyArray<readonly [string, string]> = [['frame-ancestors', "'none'"]];

function serialise(list: ReadonlyArray<readonly [string, string]>): string {
  return list.map(([name, value]) => `${name} ${value}`).join('; ');
}

export const CONTENT_SECURITY_POLICY_META = serialise(directives);
export const CONTENT_SECURITY_POLICY_HEADER = serialise([...directives, ...headerOnlyDirectives]);

/**
 * Where the build puts the image loader's dynamic-import build (cornerstone-wado-image-loader
 * dist/dynamic-import, unchanged), relative to the renderer's root.
 */
export const IMAGE_DECODER_PATH = '/vendor/image-decoder/';

/**
 * The policy of the decode worker's own scripts. A dedicated worker loaded from a URL runs under
 * the policy of its own response, not the page's. The codecs are Emscripten builds whose glue
 * code creates functions with `new Function`, which needs 'unsafe-eval' — granted here, inside the
 * worker (no DOM, no cookies' page, only 'self' to fetch from), so the page itself never needs it.
 */
export const DECODE_WORKER_POLICY = serialise([
  ['default-src', "'none'"],
  ['script-src', "'self' 'unsafe-eval' 'wasm-unsafe-eval'"],
  ['connect-src', "'self'"],
]);

/** The policy to send with a file of the built renderer, by its URL path. */
export function policyForRendererPath(urlPath: string): string {
  return urlPath.startsWith(IMAGE_DECODER_PATH) && urlPath.endsWith('.worker.js') ? DECODE_WORKER_POLICY : CONTENT_SECURITY_POLICY_HEADER;
}
