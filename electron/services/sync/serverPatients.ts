/**
 * Which of a server's studies are the same patient's, for priors: the rule the auto-download
 * and the viewer's "on the server" priors share. Runs in: Electron main / Node (no DOM).
 *
 * Searched by Patient ID (a study without one has none). A study whose Issuer of Patient ID
 * differs is another hospital's patient who happens to have the same number, and is left out.
 * Where either side has no issuer, the ID alone decides: most archives fill the issuer in for
 * none or all of their studies.
 */
import { type DicomWebClient, jsonString } from './dicomwebClient';
import { type QidoStudy, STUDY_FIELDS } from './studyDownloads';

/** Issuer of Patient ID: which hospital's numbering a Patient ID is in (not a default QIDO-RS return attribute). */
export const ISSUER_OF_PATIENT_ID = '00100021';
export const PATIENT_STUDY_FIELDS = [...STUDY_FIELDS, ISSUER_OF_PATIENT_ID];
/** More studies than one patient has in any archive; the search is not paged further. */
const PATIENT_STUDIES_LIMIT = 200;

export const studyUidOf = (study: QidoStudy) => jsonString(study, '0020000D');

/**
 * The patient's other studies on the server, newest first (by Study Date). `except`: the study
 * being read, left out.
 */
export async function patientStudiesOnServer(client: DicomWebClient, patient: { patientId: string; issuer: string }, except: string): Promise<QidoStudy[]> {
  if (patient.patientId.trim() === '') return [];
  const found = await client.search('studies', { PatientID: patient.patientId, includefield: PATIENT_STUDY_FIELDS, limit: PATIENT_STUDIES_LIMIT });
  const samePatient = (other: QidoStudy) => {
    const otherIssuer = jsonString(other, ISSUER_OF_PATIENT_ID);
    // The server may match more loosely than asked (wildcards, case): checked here exactly.
    return jsonString(other, '00100020') === patient.patientId && (patient.issuer === '' || otherIssuer === '' || otherIssuer === patient.issuer);
  };
  return found.filter((other) => studyUidOf(other) !== except && samePatient(other)).sort((a, b) => jsonString(b, '00080020').localeCompare(jsonString(a, '00080020')));
}
