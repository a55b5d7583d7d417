// The through-Pulsar measurement alone, for profiling the service end to end:
//   flock /tmp/retail-bench.lock node --cpu-prof --cpu-prof-dir=/tmp/compute-prof --import tsx bench/compute/profile-driver.ts [events]
// Prints the raw phase results (JSON) and each phase's window in the profile's clock (µs, as the
// .cpuprofile's startTime and sample times), to cut the service's share out of the whole run.
import { measureThroughPulsar } from './through-pulsar';

const DEFAULT_EVENTS = 150_000;
const events = Number(process.argv[2] ?? DEFAULT_EVENTS);
if (!Number.isInteger(events) || events < 1) throw new Error(`events must be a positive whole number, got ${process.argv[2]}`);

/** The clock of V8's CPU profiles (microseconds of the monotonic clock). */
const profileClockUs = () => Number(process.hrtime.bigint() / 1000n);
const onPhase = (label: string, moment: string) => console.log(`phase window: ${moment} ${profileClockUs()} ${label}`);

measureThroughPulsar({ events, partitions: 4, phaseTimeoutMs: 120_000, onPhase }).then(
  (result) => {
    console.log(JSON.stringify(result, null, 1));
    process.exit(0);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
