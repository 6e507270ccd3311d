/**
 * DICOM DA values (YYYYMMDD) as ISO dates (YYYY-MM-DD), the form the API and the window use.
 * Runs in: anywhere (pure).
 */

/** '20120706' → '2012-07-06'; anything that is not eight digits → ''. */
export function dicomDateToIso(value: string): string {
  return /^\d{8}$/.test(value) ? `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}` : '';
}
