// The through-Pulsar measurement alone, for profiling the service end to end:
//   flock /tmp/retail-bench.lock node --cpu-prof --cpu-prof-dir=/tmp/compute-prof --import tsx bench/compute/profile-driver.ts [events]
// Prints the raw phase results (JSON); the profile covers publishing as well, so read the
// stream-compute frames (handleBatch, commitCycle) for the service's share.
import { measureThroughPulsar } from './through-pulsar';

const DEFAULT_EVENTS = 150_000;
const events = Number(process.argv[2] ?? DEFAULT_EVENTS);
if (!Number.isInteger(events) || events < 1) throw new Error(`events must be a positive whole number, got ${process.argv[2]}`);

measureThroughPulsar({ events, partitions: 4, phaseTimeoutMs: 120_000 }).then(
  (result) => {
    console.log(JSON.stringify(result, null, 1));
    process.exit(0);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
