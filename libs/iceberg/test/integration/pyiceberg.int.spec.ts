import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { TableWriter, type TableIdentifier } from '../../src';
import { endpoints, eventBatch, EVENTS_SCHEMA, makeRows, useTestNamespace, type EventRow } from './support';

/**
 * A second, independent reader: PyIceberg validates manifests and manifest lists on its own and
 * prunes files with partition values and column bounds, so wrong stats would lose rows here.
 */
const PYICEBERG_VERSION = '0.12.0';
const venv = path.join(process.env.STACK_CACHE_DIR ?? path.join(homedir(), '.cache', 'retail-lakehouse'), `pyiceberg-${PYICEBERG_VERSION}-venv`);
const python = path.join(venv, 'bin', 'python');

function ensurePyIceberg(): void {
  const ready = existsSync(python) && (() => {
    try {
      execFileSync(python, ['-c', 'import pyiceberg, pyarrow'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  if (ready) return;
  execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
  execFileSync(path.join(venv, 'bin', 'pip'), ['install', '--quiet', `pyiceberg[pyarrow]==${PYICEBERG_VERSION}`], {
    stdio: 'inherit',
    timeout: 240_000,
  });
}

describe('tables written by @retail/iceberg read back with PyIceberg', () => {
  const suite = useTestNamespace('it_iceberg_py');
  const { namespace } = suite;

  beforeAll(() => ensurePyIceberg(), 300_000);

  it('returns exactly the rows written and prunes with partitions and bounds without losing any', async () => {
    const { catalog, io } = suite;
    const id: TableIdentifier = { namespace, name: 'events' };
    const table = await catalog.createTable(id, {
      schema: EVENTS_SCHEMA,
      partitionSpec: {
        fields: [
          { 'source-id': 3, name: 'ts_day', transform: 'day' },
          { 'source-id': 2, name: 'camera_bucket', transform: 'bucket[3]' },
        ],
      },
    });
    const writer = new TableWriter({ catalog, io, table });
    const first = makeRows(30, 4);
    const second = makeRows(12, 9);
    await writer.write(eventBatch(first));
    await writer.commit();
    await writer.write(eventBatch(second));
    await writer.commit();
    const all: EventRow[] = [...first, ...second];

    const config = {
      catalog: {
        type: 'rest',
        uri: endpoints.catalogUrl,
        's3.endpoint': endpoints.s3Endpoint,
        's3.access-key-id': endpoints.s3AccessKeyId,
        's3.secret-access-key': endpoints.s3SecretAccessKey,
        's3.region': endpoints.s3Region,
      },
      table: `${namespace[0]}.events`,
      filters: ['camera_id == 3', 'count >= 100', "store_id == 'store-1'", "ts >= '2024-05-02T00:00:00+00:00'"],
    };
    const output = execFileSync(python, [path.join(__dirname, 'pyiceberg_read.py'), JSON.stringify(config)], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const seen = JSON.parse(output) as { rows: [string, number, string, number | null][]; filtered: Record<string, number> };

    const key = (r: [string, number, string, number | null]) => r.join('|');
    const expected = all.map((r): [string, number, string, number | null] => [r.storeId, r.cameraId, String(r.tsMicros), r.count]);
    expect(seen.rows.map(key).sort()).toEqual(expected.map(key).sort());
    expect(seen.filtered).toEqual({
      'camera_id == 3': all.filter((r) => r.cameraId === 3).length,
      'count >= 100': all.filter((r) => r.count !== null && r.count >= 100).length,
      "store_id == 'store-1'": all.filter((r) => r.storeId === 'store-1').length,
      "ts >= '2024-05-02T00:00:00+00:00'": all.filter((r) => r.tsMicros >= 1_714_608_000_000_000n).length,
    });
  });
});
