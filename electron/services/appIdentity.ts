import packageJson from '../../package.json';

export const APP_NAME: string = packageJson.productName;
export const APP_VERSION: string = packageJson.version;

/**
 * This workstation's Implementation Class UID (PS3.7 D.3.3.2), in the file meta information of
 * every file it writes (SRs, discs' DICOMDIRs, headers given to bare datasets):
 * 2.25 + uuid5(DNS, "lumen-workstation.invalid").
 */
export const IMPLEMENTATION_CLASS_UID = '2.25.278490923349549134194303243562491874193';
/** Its Implementation Version Name (SH: 16 characters at most). */
export const IMPLEMENTATION_VERSION_NAME = `LUMEN_${APP_VERSION}`.slice(0, 16);
