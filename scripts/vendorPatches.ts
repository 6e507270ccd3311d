/**
 * Fixes to the cornerstone stack's published code, applied at build time (vite.config.ts), each
 * found by the fidelity test against DCMTK (tests/fidelity). Every patch names the exact text it
 * replaces; the build fails when that text is missing, so a version bump cannot silently drop
 * a fix. Upstream both packages are frozen (the legacy stack), so patches are the way to fix.
 */
export interface VendorPatch {
  /** The file, relative to node_modules. */
  file: string;
  why: string;
  find: string;
  replace: string;
}

export const VENDOR_PATCHES: readonly VendorPatch[] = [
  {
    file: 'cornerstone-core/dist/cornerstone.js',
    why:
      'A non-linear Modality LUT was indexed by the stored value itself instead of its offset from ' +
      'the first value mapped, so any LUT not starting at 0 (e.g. first mapped −2048) mapped every ' +
      'pixel to the wrong entry. The VOI LUT code beside it does subtract; this makes both agree.',
    find: '    return modalityLUT.lut[storedPixelValue];',
    replace: '    return modalityLUT.lut[storedPixelValue - modalityLUT.firstValueMapped];',
  },
  {
    file: 'cornerstone-wado-image-loader/dist/dynamic-import/888.min.worker.js',
    why:
      "The JPEG decoder for 12-bit lossy JPEG (Extended, process 2/4) level-shifted by 2056/bitConversion " +
      '(≈ 33017) instead of 2048·16+8 and clipped at 4080 instead of 4095: every pixel came out 15 ' +
      'stored values too bright (DCMTK and GDCM agree with each other and with the lossless encoding).',
    find: 'L=L<=-2056/e.bitConversion?0:L>=2024/e.bitConversion?255/e.bitConversion:L+2056/e.bitConversion>>4',
    replace: 'L=Math.min(Math.max(L+(8*Math.round(255/e.bitConversion+1)+8)>>4,0),Math.round(255/e.bitConversion))',
  },
];

/** The patched text; throws when the text to replace is not there exactly once. */
export function applyPatches(file: string, code: string): string {
  let result = code;
  for (const patch of VENDOR_PATCHES.filter((p) => file.replaceAll('\\', '/').endsWith(`node_modules/${p.file}`))) {
    const at = result.indexOf(patch.find);
    if (at === -1 || result.indexOf(patch.find, at + 1) !== -1) {
      throw new Error(`vendor patch for ${patch.file} no longer applies (the text to replace is not there exactly once): ${patch.why}`);
    }
    result = result.replace(patch.find, patch.replace);
  }
  return result;
}
