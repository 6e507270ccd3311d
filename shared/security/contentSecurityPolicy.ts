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
