/**
 * Study list search on a synthetic library of 50,000 studies / 1,000,000 instances (25,000
 * patients with accented and plain names, 16 years of dates, 8 modalities), through the store
 * worker as the app calls it. Typical queries a reading room makes — first page, name prefix,
 * name + dates, patient ID, accession, a month, modality + a year, a description word, sorted
 * by name, the biggest studies first (what to delete on a full disk) — each many times with different values; the p95 over all of them is reported.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { StudyQuery } from '../../../shared/api';
import { openLibraryDatabase } from '../../../electron/services/store/database';
import { startStore } from '../../../electron/services/store/storeClient';
import { searchText } from '../../../electron/services/store/searchText';
import { makeTempDir } from '../../helpers/tempDir';
import { type BenchResult, percentile, round } from '../benchResult';

const STUDIES = 50_000;
const PATIENTS = 25_000;
const SERIES_PER_STUDY = 4;
const INSTANCES_PER_SERIES = 5;
const REPEATS = 40;

const families = ['Müller', 'Núñez', 'García', 'Smith', 'Øster', 'Dvořák', 'Łukasz', 'Nguyen', 'Okafor', 'Rossi', 'Johansson', 'Kowalski', 'Papadopoulos', 'Yılmaz', 'Schmidt', 'Dubois', 'Silva', 'Andersen', 'Novak', 'Costa'];
const syllables = ['ba', 'ker', 'lin', 'mo', 'ra', 'son', 'vi', 'del', 'to', 'ga'];
const givens = ['Anna', 'José', 'Zoë', 'Élodie', 'Mark', 'Søren', 'Ana', 'Jiří', 'Ewa', 'Ahmet', 'Li', 'Maria', 'Peter', 'Chloé', 'Ida'];
const modalities = ['CT', 'MR', 'CR', 'DX', 'US', 'MG', 'PT', 'NM'];
const descriptions = ['CT ABDOMEN PELVIS', 'MR BRAIN WO', 'CHEST PA LAT', 'US ABDOMEN', 'CT HEAD', 'MR LUMBAR SPINE', 'MAMMO SCREENING', 'PET CT WHOLE BODY', 'KNEE 3 VIEWS', 'CT THORAX HR'];

/** A deterministic pseudo-random sequence, so every run builds the same library. */
function sequence(seed: number) {
  let state = seed;
  return (n: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state % n;
  };
}

function pick<T>(list: readonly T[], index: number): T {
  const item = list[index % list.length];
  if (item === undefined) throw new Error('empty list');
  return item;
}

const familyOf = (patient: number) => `${pick(families, patient)}${pick(syllables, Math.floor(patient / 20))}${pick(syllables, Math.floor(patient / 200))}`;
const dateOf = (study: number) => {
  const day = study % (16 * 365);
  const date = new Date(Date.UTC(2010, 0, 1) + day * 86_400_000);
  return date.toISOString().slice(0, 10);
};

function buildLibrary(file: string): void {
  const db = openLibraryDatabase(file);
  const random = sequence(42);
  const addedAt = new Date().toISOString();
  const patient = db.prepare('INSERT INTO patients (id, patient_key, patient_id, name, search_name, birth_date, sex) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const study = db.prepare(
    `INSERT INTO studies (id, study_uid, patient_ref, study_date, study_time, accession, description, search_description, modalities, added_at, series_count, instance_count, total_bytes)
     VALUES (?, ?, ?, ?, '120000', ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const index = db.prepare('INSERT INTO study_search (rowid, patient_name, patient_id, description) VALUES (?, ?, ?, ?)');
  const series = db.prepare('INSERT INTO series (id, series_uid, study_ref, modality, series_number, description, instance_count) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const instance = db.prepare('INSERT INTO instances (sop_instance_uid, series_ref, instance_number, file_size, added_at) VALUES (?, ?, ?, 524288, ?)');
  db.transaction(() => {
    for (let p = 1; p <= PATIENTS; p += 1) {
      const name = `${familyOf(p)}^${pick(givens, random(givens.length))}`;
      patient.run(p, `p${p}`, `P${String(p).padStart(7, '0')}`, name, searchText(name), '19600101', p % 2 ? 'F' : 'M');
    }
  })();
  for (let first = 1; first <= STUDIES; first += 5000) {
    db.transaction(() => {
      for (let s = first; s < first + 5000 && s <= STUDIES; s += 1) {
        const p = ((s * 7919) % PATIENTS) + 1;
        const modality = pick(modalities, random(modalities.length));
        const description = pick(descriptions, random(descriptions.length));
        const name = db.prepare<[number], { name: string; patient_id: string }>('SELECT name, patient_id FROM patients WHERE id = ?').get(p);
        study.run(s, `2.25.1${s}`, p, dateOf(s).replaceAll('-', ''), `A${String(s).padStart(9, '0')}`, description, searchText(description), modality, addedAt, SERIES_PER_STUDY, SERIES_PER_STUDY * INSTANCES_PER_SERIES, SERIES_PER_STUDY * INSTANCES_PER_SERIES * 524288);
        index.run(s, searchText(name?.name ?? ''), name?.patient_id ?? '', searchText(description));
        for (let k = 0; k < SERIES_PER_STUDY; k += 1) {
          const seriesId = (s - 1) * SERIES_PER_STUDY + k + 1;
          series.run(seriesId, `2.25.2${seriesId}`, s, modality, k + 1, description, INSTANCES_PER_SERIES);
          for (let i = 0; i < INSTANCES_PER_SERIES; i += 1) instance.run(`2.25.3${seriesId}${String(i).padStart(2, '0')}`, seriesId, i + 1, addedAt);
        }
      }
    })();
  }
  db.pragma('optimize');
  db.close();
}

export async function run(): Promise<BenchResult[]> {
  const temp = makeTempDir('bench-search');
  try {
    const file = path.join(temp.dir, 'library.sqlite');
    const built = performance.now();
    buildLibrary(file);
    const buildSeconds = (performance.now() - built) / 1000;
    const store = await startStore({ databaseFile: file, instancesDir: path.join(temp.dir, 'instances') });
    try {
      const random = sequence(7);
      const queries: Array<[string, () => unknown]> = [
        ['first page', () => ({})],
        ['name prefix', () => ({ patientName: familyOf(random(PATIENTS) + 1).slice(0, 3 + random(4)) })],
        ['name + dates', () => ({ patientName: familyOf(random(PATIENTS) + 1).slice(0, 4), dateFrom: '2015-01-01', dateTo: '2019-12-31' })],
        ['accented name typed plain', () => ({ patientName: 'muller' })],
        ['patient ID', () => ({ patientId: `P${String(random(PATIENTS) + 1).padStart(7, '0')}` })],
        ['accession', () => ({ accession: `A${String(random(STUDIES) + 1).padStart(9, '0')}` })],
        ['one month', () => ({ dateFrom: `20${10 + random(16)}-0${1 + random(9)}-01`, dateTo: `20${10 + random(16)}-0${1 + random(9)}-28` })],
        ['modality + year', () => ({ modality: pick(modalities, random(8)), dateFrom: '2024-01-01', dateTo: '2024-12-31' })],
        ['description word', () => ({ description: pick(['brain', 'abdo', 'chest', 'spine', 'pet'], random(5)) })],
        ['sorted by name, page 3', () => ({ sort: 'name', direction: 'asc', offset: 100 })],
        ['biggest first', () => ({ sort: 'size' })],
      ];
      const samples: number[] = [];
      const perQuery: Record<string, number[]> = {};
      for (let repeat = 0; repeat < REPEATS; repeat += 1) {
        for (const [label, make] of queries) {
          const query = StudyQuery.parse(make());
          const before = performance.now();
          const page = await store.call('searchStudies', query);
          const ms = performance.now() - before;
          if (label === 'first page' && page.total !== STUDIES) throw new Error(`the library holds ${page.total} studies, not ${STUDIES}`);
          samples.push(ms);
          (perQuery[label] ??= []).push(ms);
        }
      }
      const worst = Object.entries(perQuery)
        .map(([label, ms]) => [label, percentile(ms, 95)] as const)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([label, ms]) => `${label} ${round(ms, 1)} ms`)
        .join(', ');
      return [
        {
          name: 'library.search.p95Ms',
          value: round(percentile(samples, 95), 2),
          unit: 'ms',
          note: `${queries.length} kinds of query × ${REPEATS} through the store worker on ${STUDIES.toLocaleString('en')} studies / ${(STUDIES * SERIES_PER_STUDY * INSTANCES_PER_SERIES).toLocaleString('en')} instances (built in ${round(buildSeconds, 1)} s); slowest p95s: ${worst}`,
        },
      ];
    } finally {
      await store.close();
    }
  } finally {
    temp.remove();
  }
}
