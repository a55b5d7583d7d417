import { IcebergError } from '../errors';
import { snapshotExpiryReport } from './snapshot-expiry-report';

const identifier = { namespace: ['it_bronze'], name: 'detections' };
const result = (expired: number) => ({
  expiredSnapshotIds: Array.from({ length: expired }, (_, i) => i + 1),
  deletedManifestLists: expired,
  deletedManifests: 0,
  deletedDataFiles: 1,
  failedDeletes: [],
});

function report() {
  const lines: [string, object, string][] = [];
  const counts: [string, string, number][] = [];
  const onOutcome = snapshotExpiryReport({
    log: {
      info: (fields, message) => lines.push(['info', fields, message]),
      warn: (fields, message) => lines.push(['warn', fields, message]),
      error: (fields, message) => lines.push(['error', fields, message]),
    },
    expired: { inc: (labels, value) => counts.push(['expired', labels.table, value ?? 1]) },
    failures: { inc: (labels, value) => counts.push(['failures', labels.table, value ?? 1]) },
    tableLabel: (id) => `label:${id.name}`,
  });
  return { onOutcome, lines, counts };
}

describe('snapshotExpiryReport', () => {
  it('counts and logs removed snapshots under the table label, and stays silent when nothing was due', () => {
    const { onOutcome, lines, counts } = report();
    onOutcome({ identifier, result: result(0) });
    expect(lines).toEqual([]);
    onOutcome({ identifier, result: result(3) });
    expect(counts).toEqual([['expired', 'label:detections', 3]]);
    expect(lines).toEqual([['info', { table: 'label:detections', expired: 3, deletedManifestLists: 3, deletedDataFiles: 1, failedDeletes: 0 }, 'expired old snapshots']]);
  });

  it('counts failures; catalog errors warn, anything else is logged as an error', () => {
    const { onOutcome, lines, counts } = report();
    onOutcome({ identifier, error: new IcebergError('IO', 'store down', { retriable: true }) });
    onOutcome({ identifier, error: new TypeError('bug') });
    expect(counts).toEqual([
      ['failures', 'label:detections', 1],
      ['failures', 'label:detections', 1],
    ]);
    expect(lines.map(([level]) => level)).toEqual(['warn', 'error']);
  });
});
