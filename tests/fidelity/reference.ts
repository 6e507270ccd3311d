/**
 * The reference rendering of one frame: DCMTK, with the JPEG (dcmj2pnm) or JPEG-LS (dcml2pnm)
 * codecs. For JPEG 2000, which this DCMTK lacks, GDCM first decompresses the file (gdcmconv
 * --raw, also linearising segmented palettes) and DCMTK renders the result. For HTJ2K, which
 * neither decodes, OpenJPEG (opj_decompress) decodes the codestream itself — colour only, since
 * a greyscale reference would need our own windowing.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import * as dicomParser from 'dicom-parser';
import { type Pnm, parsePnm } from './pnm';

const run = promisify(execFile);

export type ReferenceWindow = { windowWidth: number; windowCenter: number } | 'voi-lut' | 'none';

export interface Reference {
  pnm: Pnm;
  /** Which tool chain produced it, for the report. */
  tool: string;
}

function windowArgs(window: ReferenceWindow): string[] {
  if (window === 'voi-lut') return ['+Wl', '1'];
  if (window === 'none') return [];
  return ['+Ww', String(window.windowCenter), String(window.windowWidth)];
}

async function dcmtk(tool: string, file: string, out: string, window: ReferenceWindow): Promise<Pnm> {
  // One frame, no overlays (the viewer does not draw overlay planes yet), no aspect scaling.
  await run(tool, ['--frame', '1', '--no-overlays', '--no-scaling', ...windowArgs(window), file, out], { maxBuffer: 16 * 1024 * 1024 });
  return parsePnm(readFileSync(out));
}

function firstFrameCodestream(file: string): Buffer {
  const bytes = readFileSync(file);
  const dataSet = dicomParser.parseDicom(bytes);
  const pixelData = dataSet.elements['x7fe00010'];
  if (!pixelData?.encapsulatedPixelData || !pixelData.fragments) throw new Error('no encapsulated pixel data');
  const frame = dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, pixelData, 0, pixelData.fragments.length);
  return Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
}

/** The reference for frame 1 of `file`, or the reasons every tool gave for refusing it. */
export async function renderReference(file: string, workDir: string, window: ReferenceWindow, color: boolean, palette: boolean): Promise<Reference | { reasons: string[] }> {
  const reasons: string[] = [];
  const out = path.join(workDir, 'reference.pnm');
  const firstLine = (error: unknown) => String((error as { stderr?: string }).stderr ?? error).split('\n').find((line) => line.startsWith('E:') || line.startsWith('F:')) ?? String(error).split('\n')[0] ?? '';
  for (const tool of ['dcmj2pnm', 'dcml2pnm']) {
    try {
      return { pnm: await dcmtk(tool, file, out, window), tool };
    } catch (error) {
      reasons.push(`${tool}: ${firstLine(error)}`);
    }
  }
  try {
    const raw = path.join(workDir, 'decompressed.dcm');
    await run('gdcmconv', ['--raw', ...(palette ? ['--decompress-lut'] : []), file, raw]);
    return { pnm: await dcmtk('dcm2pnm', raw, out, window), tool: 'gdcmconv --raw + dcm2pnm' };
  } catch (error) {
    reasons.push(`gdcmconv + dcm2pnm: ${firstLine(error)}`);
  }
  if (color) {
    try {
      const codestream = path.join(workDir, 'frame.j2c');
      writeFileSync(codestream, firstFrameCodestream(file));
      await run('opj_decompress', ['-i', codestream, '-o', out]);
      return { pnm: parsePnm(readFileSync(out)), tool: 'opj_decompress' };
    } catch (error) {
      reasons.push(`opj_decompress: ${firstLine(error)}`);
    }
  }
  return { reasons };
}
