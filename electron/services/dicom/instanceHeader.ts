/** What the library keeps of one instance's header: enough for the study list and the viewer. */
export interface InstanceHeader {
  patientName: string;
  patientId: string;
  issuerOfPatientId: string;
  patientBirthDate: string;
  patientSex: string;
  studyInstanceUid: string;
  studyDate: string;
  studyTime: string;
  accessionNumber: string;
  studyId: string;
  studyDescription: string;
  referringPhysicianName: string;
  seriesInstanceUid: string;
  modality: string;
  seriesNumber: number | null;
  seriesDescription: string;
  bodyPartExamined: string;
  sopInstanceUid: string;
  sopClassUid: string;
  instanceNumber: number | null;
  transferSyntaxUid: string;
  rows: number | null;
  columns: number | null;
  frames: number | null;
  photometricInterpretation: string;
  pixelSpacing: string;
  sliceThickness: number | null;
  sliceLocation: number | null;
  imagePositionPatient: string;
  imageOrientationPatient: string;
  windowCenter: string;
  windowWidth: string;
  fileSize: number;
}
