import { runChaos, TRACKS_PER_CAMERA } from '../support/chaos';
import { CAMERAS } from '../support/scenario';
import { createTestRun, dropRun, writeReferenceTables, type TestRun } from '../support/stack';

describe('stream-compute under kill -9 and scale-out (child processes)', () => {
  let run: TestRun;

  beforeAll(async () => {
    run = await createTestRun('it_sc_chaos', 4);
    await writeReferenceTables(run);
  });

  afterAll(async () => {
    await dropRun(run);
  });

  it('keeps every table exactly once through 3 kills, going from 1 to 3 instances, a kill among 3 and one instance leaving', async () => {
    const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 100_000);
    const result = await runChaos(run, { kills: 3, scaleTo: 3, killsAfterScaleOut: 1, leave: true, seed, minPauseMs: 0, maxPauseMs: 1_500, log: (line) => process.stdout.write(`[chaos seed ${seed}] ${line}\n`) });
    expect(result.actual).toEqual(result.expected);
    expect(result.silver).toEqual({ rows: result.silver.expected, distinct: result.silver.expected, expected: result.silver.expected });
    expect(result.lineCrossings).toBe(CAMERAS.length * TRACKS_PER_CAMERA);
    expect(result.zoneDwell).toEqual({ rows: CAMERAS.length * TRACKS_PER_CAMERA, distinct: CAMERAS.length * TRACKS_PER_CAMERA });
    expect(result.alerts.table.length).toBe(CAMERAS.length * TRACKS_PER_CAMERA * 2);
    expect(result.alerts.topic).toEqual(result.alerts.table);
    // Cameras did move: more than one instance committed camera state.
    expect(result.writersWithCameras).toContain('sc-0');
    expect(result.writersWithCameras.length).toBeGreaterThan(1);
  }, 180_000);
});
