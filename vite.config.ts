import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY_META } from './shared/security/contentSecurityPolicy.ts';

/** Writes the one Content-Security-Policy (shared/security) into index.html as a <meta> tag. */
function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'lumen-csp-meta',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY_META }, injectTo: 'head-prepend' },
    ],
  };
}

export default defineConfig({
  root: 'renderer',
  base: '/',
  // The app icon (resources/icons/icon.svg) is served as the page's favicon.
  publicDir: '../resources/icons',
  plugins: [react(), contentSecurityPolicyMeta()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'chrome130',
    sourcemap: true,
    // Inline <script>/<style> would violate the page's CSP; keep every asset a file.
    assetsInlineLimit: 0,
  },
});
