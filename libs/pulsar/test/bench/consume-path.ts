// The consumer's main-thread path without a broker: recorded MESSAGE frames (record-frames.ts) are
// fed in 64 KiB socket-sized chunks through the frame decoder and the partition consumers of a real
// Consumer (4 partitions, Key_Shared), then taken the way stream-compute takes them: receiveBatch,
// the key read three times, the id and publish time and data read once, and every message
// acknowledged by its id at the end of a cycle, followed by the flush of grouped acks.
//
//   node --expose-gc --min-semi-space-size=128 --max-semi-space-size=128 --import tsx \
//     libs/pulsar/test/bench/consume-path.ts [--frames FILE] [--messages 300000]
//
// Prints CPU µs per message (median of 5 timed rounds) and heap bytes allocated per message (one pass
// over the recording with a young generation large enough that no GC runs in it). Run it under
// `flock /tmp/retail-bench.lock` on the shared machine; add --cpu-prof for a profile, and
// `--heap-profile FILE.heapprofile` for where that pass allocates (every allocation sampled, open it
// in Chrome DevTools; the sampling itself slows the pass, so read its allocation figure from a run without it).
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { PerformanceObserver } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import { u64ToNumber } from '../../src/codec/codec';
import { CommandType, type BaseCommand } from '../../src/codec/wire-types';
import { encodeSimpleFrame, type Frame } from '../../src/framing/frame';
import { FrameDecoder } from '../../src/framing/frame-decoder';
import type { Connection, ConsumerListener } from '../../src/connection/connection';
import { Consumer } from '../../src/consumer/consumer';
import type { ClientContext } from '../../src/context';
import type { MessageId } from '../../src/message-id';
import { ClientMetrics } from '../../src/metrics/client-metrics';
import { normalizeClientOptions, normalizeConsumerOptions } from '../../src/options';
import { argument, DEFAULT_FRAMES_FILE, textArgument } from './bench-args';

const SOCKET_READ_BYTES = 64 * 1024;
const PARTITIONS = 4;
/** Messages per stream-compute cycle: acknowledged together once the cycle commits. */
const CYCLE_MESSAGES = 5000;
const ROUNDS = 5;

/** A connection that is always ready: requests succeed, sent commands are encoded (their real cost) and dropped. */
class BenchConnection {
  readonly isReady = true;
  readonly listeners = new Map<number, ConsumerListener>();
  sentBytes = 0;

  registerConsumer(id: number, listener: ConsumerListener): void {
    this.listeners.set(id, listener);
  }
  unregisterConsumer(id: number): void {
    this.listeners.delete(id);
  }
  async request(build: (requestId: number) => BaseCommand): Promise<BaseCommand> {
    build(0);
    return { type: CommandType.SUCCESS, success: { requestId: '0' } };
  }
  send(command: BaseCommand): void {
    this.write(encodeSimpleFrame(command));
  }
  write(frame: Uint8Array): boolean {
    this.sentBytes += frame.length;
    return true;
  }
  /** What Connection does with a decoded frame it has a consumer for. */
  dispatch(frame: Frame): void {
    if (frame.command.type === CommandType.MESSAGE && frame.payload) {
      this.listeners.get(u64ToNumber(frame.command.message?.consumerId))?.onMessage(frame.command, frame.payload);
    }
  }
}

/** Socket-sized chunks of the recorded stream; the consumer ids it addresses, in partition order. */
function loadStream(file: string): { chunks: Buffer[]; consumerIds: number[]; messages: number } {
  const stream = readFileSync(file);
  const decoder = new FrameDecoder(Number.MAX_SAFE_INTEGER);
  const ids = new Set<number>();
  let messages = 0;
  for (const frame of decoder.push(stream).frames) {
    ids.add(u64ToNumber(frame.command.message?.consumerId));
    messages += frame.payload?.metadata?.numMessagesInBatch ?? 1;
  }
  const chunks: Buffer[] = [];
  for (let at = 0; at < stream.length; at += SOCKET_READ_BYTES) chunks.push(stream.subarray(at, at + SOCKET_READ_BYTES));
  const consumerIds = [...ids].sort((a, b) => a - b);
  if (consumerIds.length !== PARTITIONS) throw new Error(`${file} addresses ${consumerIds.length} consumers, expected ${PARTITIONS} (one per partition)`);
  return { chunks, consumerIds, messages };
}

async function benchConsumer(connection: BenchConnection, consumerIds: number[]): Promise<Consumer> {
  const options = normalizeClientOptions({ serviceUrl: 'pulsar://127.0.0.1:6650' });
  let next = 0;
  const ctx = {
    options,
    metrics: new ClientMetrics(new Registry()),
    lookup: { partitionCount: async () => PARTITIONS },
    nextProducerId: () => 0,
    nextConsumerId: () => consumerIds[next++]!,
    connectionFor: async () => connection as unknown as Connection,
  } as unknown as ClientContext;
  const consumerOptions = normalizeConsumerOptions({ topic: 'persistent://public/default/bench', subscription: 'bench', subscriptionType: 'KeyShared', partitionsAutoUpdateIntervalMs: 0 });
  return Consumer.create(ctx, consumerOptions, () => Promise.reject(new Error('no dead letters in the bench')));
}

/** One pass over the recorded stream; returns how many messages the application saw. */
async function replay(consumer: Consumer, connection: BenchConnection, chunks: Buffer[]): Promise<number> {
  const decoder = new FrameDecoder(Number.MAX_SAFE_INTEGER);
  const cycle: MessageId[] = [];
  let seen = 0;
  let checksum = 0;
  const commit = () => {
    for (let i = 0; i < cycle.length; i++) consumer.acknowledge(cycle[i]!);
    cycle.length = 0;
    consumer.flushAcknowledgements();
  };
  for (const chunk of chunks) {
    for (const frame of decoder.push(chunk).frames) connection.dispatch(frame);
    for (;;) {
      const batch = await consumer.receiveBatch(1000, 200);
      for (let i = 0; i < batch.length; i++) {
        const message = batch[i]!;
        // stream-compute reads the key for ownership, state lookup and the key check of the decode.
        const key = message.key ?? '';
        if (message.key !== undefined && (message.key ?? '') !== key) throw new Error('unstable key');
        const id = message.messageId;
        checksum += id.partition + message.publishTime + message.data.length;
        cycle.push(id);
      }
      seen += batch.length;
      if (cycle.length >= CYCLE_MESSAGES) commit();
      if (batch.length < 1000) break;
    }
  }
  commit();
  if (checksum === -1) console.log('unreachable');
  return seen;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Samples every allocation (collected objects included) until the returned function is called; its result is a .heapprofile. */
async function startAllocationSampling(): Promise<() => Promise<unknown>> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));
  await post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  return async () => {
    const { profile } = (await post('HeapProfiler.stopSampling')) as { profile: unknown };
    session.disconnect();
    return profile;
  };
}

async function main(): Promise<void> {
  const file = textArgument('frames', DEFAULT_FRAMES_FILE);
  const heapProfile = textArgument('heap-profile', '');
  const target = argument('messages', 300_000);
  const { chunks, consumerIds, messages } = loadStream(file);
  const passes = Math.max(1, Math.round(target / messages));
  const connection = new BenchConnection();
  const consumer = await benchConsumer(connection, consumerIds);
  const gc = (globalThis as { gc?: () => void }).gc;

  // Warm-up, so the timed rounds run optimised code.
  for (let i = 0; i < 2; i++) await replay(consumer, connection, chunks);

  // CPU time of the process (this thread and V8's GC helpers), not wall time: on a shared machine
  // it is what this code costs, whoever else runs.
  const perMessageUs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    gc?.();
    let seen = 0;
    const started = process.cpuUsage();
    for (let pass = 0; pass < passes; pass++) seen += await replay(consumer, connection, chunks);
    const used = process.cpuUsage(started);
    perMessageUs.push((used.user + used.system) / seen);
  }

  let allocation = 'run with --expose-gc (and --min-semi-space-size=128 --max-semi-space-size=128) for allocation figures';
  if (gc) {
    // One pass with no GC in it: the heap growth is what the pass allocated.
    gc();
    let collections = 0;
    const observer = new PerformanceObserver((list) => (collections += list.getEntries().length));
    observer.observe({ entryTypes: ['gc'] });
    const sampling = heapProfile ? await startAllocationSampling() : undefined;
    const before = process.memoryUsage().heapUsed;
    const seen = await replay(consumer, connection, chunks);
    const grown = process.memoryUsage().heapUsed - before;
    if (sampling) writeFileSync(heapProfile, JSON.stringify(await sampling()));
    await new Promise((resolve) => setImmediate(resolve));
    observer.disconnect();
    allocation = collections
      ? `not measured: ${collections} GCs ran in the pass (give the young generation room: --min-semi-space-size=128 --max-semi-space-size=128)`
      : `${(grown / seen).toFixed(0)} B/message on the heap`;
  }
  await consumer.close();
  console.log(`${messages} recorded messages in ${chunks.length} chunks, ${passes} passes a round`);
  console.log(`consume path: ${median(perMessageUs).toFixed(3)} µs CPU/message, median of ${ROUNDS} rounds (min ${Math.min(...perMessageUs).toFixed(3)}; ${perMessageUs.map((v) => v.toFixed(3)).join(', ')})`);
  console.log(`allocation: ${allocation}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
