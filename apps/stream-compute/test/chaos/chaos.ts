// Long chaos run (not part of the default suites): many SIGKILLs of a child-process instance while
// the scenario is published, then 1 -> N instances; the tables must equal the independent result.
//   npx tsx apps/stream-compute/test/chaos/chaos.ts [--kills 20] [--scale-to 3] [--kills-after 3] [--no-leave] [--seed 42]
// After the scale-out, --kills-after more SIGKILLs hit random instances while the others run, and
// then one instance is killed for good (it leaves; the others take over its cameras and last cycle).
// Needs the local stack (npm run stack -- up).
import { parseArgs } from 'node:util';
import { runChaos, TRACKS_PER_CAMERA } from '../support/chaos';
import { CAMERAS } from '../support/scenario';
import { createTestRun, dropRun, writeReferenceTables } from '../support/stack';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      kills: { type: 'string', default: '20' },
      'scale-to': { type: 'string', default: '3' },
      'kills-after': { type: 'string', default: '3' },
      'no-leave': { type: 'boolean', default: false },
      seed: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const kills = Number(values.kills);
  const scaleTo = Number(values['scale-to']);
  const killsAfter = Number(values['kills-after']);
  const leave = !values['no-leave'];
  const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 100_000;
  if (!Number.isInteger(kills) || kills < 0 || !Number.isInteger(scaleTo) || scaleTo < 1 || !Number.isInteger(killsAfter) || killsAfter < 0) {
    throw new Error('--kills and --kills-after must be integers >= 0 and --scale-to an integer >= 1');
  }
  const run = await createTestRun('chaos_sc', 4);
  console.log(`run ${run.id}: ${kills} kills, scale to ${scaleTo}, ${killsAfter} kills after it${leave ? ', then one instance leaves' : ''}, seed ${seed}`);
  try {
    await writeReferenceTables(run);
    const started = Date.now();
    const result = await runChaos(run, { kills, scaleTo, killsAfterScaleOut: killsAfter, leave, seed, minPauseMs: 0, maxPauseMs: 1_500, log: (line) => console.log(line) });
    const problems: string[] = [];
    if (JSON.stringify(result.actual) !== JSON.stringify(result.expected)) problems.push(`gold counts differ:\n expected ${JSON.stringify(result.expected)}\n actual   ${JSON.stringify(result.actual)}`);
    if (result.silver.rows !== result.silver.expected || result.silver.distinct !== result.silver.expected) problems.push(`silver rows ${JSON.stringify(result.silver)}`);
    if (JSON.stringify(result.alerts.topic) !== JSON.stringify(result.alerts.table)) problems.push(`alerts differ: table ${result.alerts.table.length}, topic ${result.alerts.topic.length}`);
    if (result.lineCrossings !== CAMERAS.length * TRACKS_PER_CAMERA) problems.push(`line crossings ${result.lineCrossings}, expected ${CAMERAS.length * TRACKS_PER_CAMERA}`);
    const dwell = CAMERAS.length * TRACKS_PER_CAMERA;
    if (result.zoneDwell.rows !== dwell || result.zoneDwell.distinct !== dwell) problems.push(`dwell rows ${JSON.stringify(result.zoneDwell)}, expected ${dwell} distinct`);
    if (result.alerts.table.length !== dwell * 2) problems.push(`alerts in gold.queue_alerts ${result.alerts.table.length}, expected ${dwell * 2}`);
    console.log(`done in ${Math.round((Date.now() - started) / 1000)} s; instances restarted by themselves: ${result.restarts}; writers with cameras: ${result.writersWithCameras.join(', ')}`);
    if (problems.length > 0) {
      console.error(`FAILED (seed ${seed}):\n${problems.join('\n')}`);
      return 1;
    }
    console.log('1 passed, 0 failed');
    return 0;
  } finally {
    if (!values.keep) await dropRun(run);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
