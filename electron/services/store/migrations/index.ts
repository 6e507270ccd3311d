import { auditLog } from './0001-audit-log';
import { library } from './0002-library';
import { importAndSearch } from './0003-import-and-search';
import { annotations } from './0004-annotations';
import { srDocuments } from './0005-sr-documents';
import { reports } from './0006-reports';
import { sync } from './0007-sync';
import { srText } from './0008-sr-text';
import { studyDownloads } from './0009-study-downloads';
import { trustedCertificates } from './0010-trusted-certificates';
import { expectedInstances } from './0011-expected-instances';
import { transferGroups } from './0012-transfer-groups';
import { autoDownload } from './0013-auto-download';
import { studySizeOrder } from './0014-study-size-order';
import type { Migration } from '../migration-type';

/** Every migration, in order. A new one is a new file here with the next number. */
export const migrations: readonly Migration[] = [auditLog, library, importAndSearch, annotations, srDocuments, reports, sync, srText, studyDownloads, trustedCertificates, expectedInstances, transferGroups, autoDownload, studySizeOrder];

export const LATEST_SCHEMA_VERSION = migrations.length;
