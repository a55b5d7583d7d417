import { COMMIT_ID_PROPERTY, RestCatalog, TableWriter, type TableIdentifier } from '../../src';
import { endpoints, eventBatch, EVENTS_SCHEMA, fqn, makeRows, trinoRows, useTestNamespace } from './support';

type Fault = 'lose-response' | 'fail-before-sending';

/**
 * The real catalog behind a fetch that can lose the response of the next table commit after the
 * server applied it (the classic "timeout after success"), or fail it before it is sent.
 */
function faultyFetch(faults: Fault[]): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const isCommit = init?.method === 'POST' && /\/namespaces\/[^/]+\/tables\/[^/]+$/.test(String(input));
    const fault = isCommit ? faults.shift() : undefined;
    if (fault === 'fail-before-sending') {
      throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    }
    const response = await fetch(input, init);
    if (fault === 'lose-response') {
      await response.arrayBuffer();
      throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
    }
    return response;
  }) as typeof fetch;
}

describe('commits whose outcome is unknown, against the real catalog', () => {
  const suite = useTestNamespace('it_iceberg_unknown');
  const { namespace } = suite;

  it('does not apply a landed commit twice when its response was lost, and retries one never sent', async () => {
    const { catalog: setup, io } = suite;
    const id: TableIdentifier = { namespace, name: 'events' };
    await setup.createTable(id, { schema: EVENTS_SCHEMA, properties: { 'commit.retry.min-wait-ms': '10' } });
    const faults: Fault[] = [];
    const catalog = await RestCatalog.connect({ uri: endpoints.catalogUrl, fetch: faultyFetch(faults) });
    const writer = new TableWriter({ catalog, io, table: await catalog.loadTable(id) });

    faults.push('lose-response');
    await writer.write(eventBatch(makeRows(5, 1)));
    const first = await writer.commit();
    expect(first.recoveredUnknownOutcome).toBe(true);

    faults.push('fail-before-sending');
    await writer.write(eventBatch(makeRows(3, 2)));
    const second = await writer.commit();
    expect(second).toMatchObject({ recoveredUnknownOutcome: false, attempts: 2 });

    const metadata = (await setup.loadTable(id)).metadata;
    expect(metadata.snapshots!.map((s) => s.summary[COMMIT_ID_PROPERTY])).toHaveLength(2);
    const [[count]] = (await trinoRows(`SELECT count(*) FROM ${fqn(id)}`)) as [[number]];
    expect(count).toBe(8);
  });
});
