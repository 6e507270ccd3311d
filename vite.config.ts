import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY_META, IMAGE_DECODER_PATH } from './shared/security/contentSecurityPolicy.ts';
import { applyPatches, VENDOR_PATCHES } from './scripts/vendorPatches.ts';

/** Writes the one Content-Security-Policy (shared/security) into index.html as a <meta> tag. */
function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'lumen-csp-meta',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY_META }, injectTo: 'head-prepend' },
    ],
  };
}

/**
 * Copies the image loader's dynamic-import build, unchanged, to IMAGE_DECODER_PATH. It is not
 * bundled: it finds its decode worker, the worker's chunks and the WebAssembly codecs relative to
 * its own script URL, so it is loaded as its own classic script (renderer/viewer/cornerstone/).
 */
function imageDecoderFiles(): Plugin {
  const from = path.resolve('node_modules/cornerstone-wado-image-loader/dist/dynamic-import');
  return {
    name: 'lumen-image-decoder-files',
    apply: 'build',
    writeBundle(options) {
      const to = path.join(options.dir ?? path.resolve('dist/renderer'), IMAGE_DECODER_PATH);
      cpSync(from, to, { recursive: true, filter: (source) => !source.endsWith('.map') });
      for (const patch of VENDOR_PATCHES.filter((p) => p.file.startsWith('cornerstone-wado-image-loader/dist/dynamic-import/'))) {
        const source = path.join(from, path.basename(patch.file));
        writeFileSync(path.join(to, path.basename(patch.file)), applyPatches(source, readFileSync(source, 'utf8')));
      }
    },
  };
}

/** Applies scripts/vendorPatches.ts to bundled cornerstone code. */
function vendorPatches(): Plugin {
  return {
    name: 'lumen-vendor-patches',
    transform(code, id) {
      return VENDOR_PATCHES.some((p) => id.replaceAll('\\', '/').endsWith(`node_modules/${p.file}`)) ? { code: applyPatches(id, code), map: null } : null;
    },
  };
}

export default defineConfig({
  root: 'renderer',
  base: '/',
  // The app icon (resources/icons/icon.svg) is served as the page's favicon.
  publicDir: '../resources/icons',
  plugins: [react(), contentSecurityPolicyMeta(), imageDecoderFiles(), vendorPatches()],
  build: {
    outDir: '../dist/renderer',
    rollupOptions: {
      // The workstation, and the display check page (renderer/diagnostics/displayCheck.ts).
      input: { main: path.resolve('renderer/index.html'), displayCheck: path.resolve('renderer/display-check.html') },
    },
    emptyOutDir: true,
    target: 'chrome130',
    sourcemap: true,
    // Inline <script>/<style> would violate the page's CSP; keep every asset a file.
    assetsInlineLimit: 0,
  },
});
