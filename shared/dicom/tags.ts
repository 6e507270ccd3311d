/** DICOM tags the workstation reads, in dicom-parser's `xggggeeee` form. */
export const Tag = {
  TransferSyntaxUID: 'x00020010',
  MediaStorageSOPClassUID: 'x00020002',
  SpecificCharacterSet: 'x00080005',
  SOPClassUID: 'x00080016',
  SOPInstanceUID: 'x00080018',
  StudyDate: 'x00080020',
  StudyTime: 'x00080030',
  AccessionNumber: 'x00080050',
  Modality: 'x00080060',
  ReferringPhysicianName: 'x00080090',
  StudyDescription: 'x00081030',
  SeriesDescription: 'x0008103e',
  PatientName: 'x00100010',
  PatientID: 'x00100020',
  IssuerOfPatientID: 'x00100021',
  PatientBirthDate: 'x00100030',
  PatientSex: 'x00100040',
  BodyPartExamined: 'x00180015',
  SliceThickness: 'x00180050',
  StudyInstanceUID: 'x0020000d',
  SeriesInstanceUID: 'x0020000e',
  StudyID: 'x00200010',
  SeriesNumber: 'x00200011',
  InstanceNumber: 'x00200013',
  ImagePositionPatient: 'x00200032',
  ImageOrientationPatient: 'x00200037',
  SliceLocation: 'x00201041',
  SamplesPerPixel: 'x00280002',
  PhotometricInterpretation: 'x00280004',
  NumberOfFrames: 'x00280008',
  Rows: 'x00280010',
  Columns: 'x00280011',
  PixelSpacing: 'x00280030',
  BitsAllocated: 'x00280100',
  WindowCenter: 'x00281050',
  WindowWidth: 'x00281051',
  PixelData: 'x7fe00010',
  // DICOMDIR
  DirectoryRecordSequence: 'x00041220',
  DirectoryRecordType: 'x00041430',
  ReferencedFileID: 'x00041500',
} as const;

export const SopClass = {
  MediaStorageDirectory: '1.2.840.10008.1.3.10',
} as const;

export const TransferSyntax = {
  ImplicitVRLittleEndian: '1.2.840.10008.1.2',
  DeflatedExplicitVRLittleEndian: '1.2.840.10008.1.2.1.99',
} as const;
