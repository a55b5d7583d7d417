import { PulsarClient } from '@retail/pulsar';
import type { StreamComputeService } from '../../src/service/service';
import { CAMERAS, cameraDetections, encode, expectedCounts, FRAME_US, WINDOW_US } from '../support/scenario';
import { count, createTestRun, dropRun, endpoints, goldCounts, publish, startService, waitFor, writeReferenceTables, type TestRun } from '../support/stack';

/** Idle timeout of these tests: short, so silences are seconds. */
const IDLE_TIMEOUT_MS = 1_000;

describe('stream-compute with a camera that goes silent', () => {
  let run: TestRun;
  let service: StreamComputeService | undefined;

  beforeEach(async () => {
    // One partition: the other keys' messages are the evidence that time moved for the silent camera.
    run = await createTestRun('it_sc_idle', 1);
    await writeReferenceTables(run);
  });

  afterEach(async () => {
    await service?.stop();
    service = undefined;
    await dropRun(run);
  });

  const firstSeconds = (seconds: number) => {
    const frames = Math.round((seconds * 1_000_000) / FRAME_US);
    return cameraDetections(CAMERAS[0]!, run.id).filter((e) => e.item_name !== 'tail' && e.frame_seq < frames);
  };

  it('closes and commits its last window once its partition shows time passing beyond the idle timeout', async () => {
    // 12 s of one camera's event time, no tail detection: nothing but idleness can close [10 s, 20 s).
    const events = firstSeconds(12);
    service = await startService(run, { WATERMARK_IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS) });
    await publish(run.topic, events.map((e) => ({ key: e.camera_id, data: encode(e) })));
    const expected = expectedCounts(events);
    expect(new Set(expected.map((r) => r.window_start)).size).toBe(2);
    // Another key keeps publishing on the same partition (a dead letter each: not a known camera).
    // Watermark needed: 20 s + 1 s allowed lateness; it gets there ~10.5 s of publish time beyond the timeout after 12 s - 0.5 s.
    const client = new PulsarClient({ serviceUrl: endpoints.pulsarServiceUrl });
    const producer = await client.createProducer({ topic: run.topic });
    let beating = true;
    const heartbeat = (async () => {
      while (beating) {
        await producer.send({ key: 'heartbeat', data: Buffer.from('heartbeat') });
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    try {
      await waitFor(() => goldCounts(run), (rows) => rows.length >= expected.length, 60_000, `both windows of ${WINDOW_US / 1e6} s committed`);
    } finally {
      beating = false;
      await heartbeat;
      await client.close();
    }
    expect(await goldCounts(run)).toEqual(expected);
  }, 90_000);

  it('judges nothing late when its producer pauses longer than the idle timeout and then sends the backlog', async () => {
    const events = firstSeconds(30);
    const pausedAt = Math.floor(events.length / 3);
    service = await startService(run, { WATERMARK_IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS) });
    await publish(run.topic, events.slice(0, pausedAt).map((e) => ({ key: e.camera_id, data: encode(e) })));
    await waitFor(() => count(run, 'silver.detections'), (n) => n >= pausedAt, 45_000, 'the part before the pause committed');
    // Nothing is published for 6 idle timeouts (the camera's uploader, or the broker, stalled): the
    // pause is the scenario itself, not a wait for a condition.
    await new Promise((resolve) => setTimeout(resolve, 6 * IDLE_TIMEOUT_MS));
    // Then the backlog arrives: every detection of it is on time.
    await publish(run.topic, events.slice(pausedAt).map((e) => ({ key: e.camera_id, data: encode(e) })));
    const handled = async () => (await count(run, 'silver.detections')) + (await count(run, 'ops.late_events'));
    await waitFor(handled, (n) => n >= events.length, 45_000, 'every detection in silver or late_events');
    expect(await count(run, 'ops.late_events')).toBe(0);
    expect(await count(run, 'silver.detections')).toBe(events.length);
  }, 120_000);
});
