import type { StreamComputeService } from '../../src/service/service';
import { CAMERAS, cameraDetections, encode, expectedCounts, FRAME_US, WINDOW_US } from '../support/scenario';
import { createTestRun, dropRun, goldCounts, publish, startService, waitFor, writeReferenceTables, type TestRun } from '../support/stack';

describe('stream-compute with a camera that goes silent', () => {
  let run: TestRun;
  let service: StreamComputeService | undefined;

  beforeAll(async () => {
    run = await createTestRun('it_sc_idle');
    await writeReferenceTables(run);
  });

  afterAll(async () => {
    await service?.stop();
    await dropRun(run);
  });

  it('closes and commits its last window once its silence passes the idle timeout', async () => {
    // 12 s of one camera's event time, no tail detection: nothing but idleness can close [10 s, 20 s).
    const frames = Math.round((12 * 1_000_000) / FRAME_US);
    const events = cameraDetections(CAMERAS[0]!, run.id).filter((e) => e.item_name !== 'tail' && e.frame_seq < frames);
    service = await startService(run, { WATERMARK_IDLE_TIMEOUT_MS: '1000' });
    await publish(run.topic, events.map((e) => ({ key: e.camera_id, data: encode(e) })));
    const expected = expectedCounts(events);
    expect(new Set(expected.map((r) => r.window_start)).size).toBe(2);
    // Watermark needed: 20 s + 1 s allowed lateness; it gets there ~10.5 s of silence beyond the timeout after 12 s - 0.5 s.
    await waitFor(() => goldCounts(run), (rows) => rows.length >= expected.length, 45_000, `both windows of ${WINDOW_US / 1e6} s committed`);
    expect(await goldCounts(run)).toEqual(expected);
  }, 90_000);
});
