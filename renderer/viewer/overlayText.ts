/** Text for the viewport overlays. Pure, so it is unit-tested. */

/** Age at the study as DICOM writes it ("045Y" → "45 y"), or from the birth and study dates. */
export function patientAge(ageString: string, birthDate: string, studyDate: string): string {
  const stated = /^(\d{1,3})([DWMY])$/.exec(ageString.trim());
  if (stated?.[1] && stated[2]) {
    const units: Record<string, string> = { D: 'd', W: 'w', M: 'mo', Y: 'y' };
    return `${Number.parseInt(stated[1], 10)} ${units[stated[2]]}`;
  }
  const birth = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(birthDate);
  const study = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(studyDate);
  if (!birth || !study) return '';
  const [by, bm, bd] = birth.slice(1).map(Number) as [number, number, number];
  const [sy, sm, sd] = study.slice(1).map(Number) as [number, number, number];
  let years = sy - by;
  if (sm < bm || (sm === bm && sd < bd)) years -= 1;
  if (years >= 2) return `${years} y`;
  const months = (sy - by) * 12 + (sm - bm) - (sd < bd ? 1 : 0);
  return months >= 0 ? `${months} mo` : '';
}

/** A window value as a reader expects it: whole numbers unless the range is tiny. */
export function formatWindowValue(value: number): string {
  return Math.abs(value) >= 10 || Number.isInteger(value) ? String(Math.round(value)) : value.toFixed(2);
}

/** Millimetres for a scale bar that fits in `maxPixels` screen pixels, or null if none fits. */
export function scaleBarLength(mmPerScreenPixel: number, maxPixels: number): { mm: number; pixels: number } | null {
  if (!(mmPerScreenPixel > 0)) return null;
  const steps = [1, 2, 5, 10, 20, 50, 100, 200, 500];
  let best: { mm: number; pixels: number } | null = null;
  for (const mm of steps) {
    const pixels = mm / mmPerScreenPixel;
    if (pixels <= maxPixels) best = { mm, pixels };
  }
  return best;
}

export function formatScaleBar(mm: number): string {
  return mm >= 10 ? `${mm / 10} cm` : `${mm} mm`;
}
