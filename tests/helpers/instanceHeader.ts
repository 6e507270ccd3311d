/** A parsed instance header for store tests: a CT image of study 1.2.1, anything else overridden. */
import type { InstanceHeader } from '../../electron/services/dicom/instanceHeader';

export function testHeader(overrides: Partial<InstanceHeader> = {}): InstanceHeader {
  return {
    patientName: '', patientId: '', issuerOfPatientId: '', patientBirthDate: '', patientSex: '',
    studyInstanceUid: '1.2.1', studyDate: '20240105', studyTime: '', accessionNumber: '', studyId: '', studyDescription: '',
    referringPhysicianName: '', seriesInstanceUid: '1.2.1.1', modality: 'CT', seriesNumber: 1, seriesDescription: '', bodyPartExamined: '',
    sopInstanceUid: '1.2.1.1.1', sopClassUid: '', instanceNumber: 1, transferSyntaxUid: '1.2.840.10008.1.2.1', rows: 512, columns: 512, frames: 1,
    photometricInterpretation: 'MONOCHROME2', pixelSpacing: '', sliceThickness: null, sliceLocation: null, imagePositionPatient: '', imageOrientationPatient: '',
    windowCenter: '', windowWidth: '', fileSize: 1000,
    ...overrides,
  };
}
