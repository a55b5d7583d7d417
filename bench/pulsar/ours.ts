// Our side of the pulsar benchmark: the produce and consume loops with the settings both clients
// share (also used by profile-driver.ts, so profiles show exactly what the benchmark runs).
import type { PulsarClient } from '@retail/pulsar';

export const OUTSTANDING = 1000;
export const BATCH_WINDOW_MS = 1;
export const BATCH_MAX_MESSAGES = 1000;
export const RECEIVER_QUEUE = 1000;

export interface ProduceResult {
  rate: number;
  p50Ms: number;
  p99Ms: number;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** Publishes `count` messages of `size` bytes with at most OUTSTANDING unacknowledged; rate and send → ack latency. */
export async function produceOurs(client: PulsarClient, topic: string, count: number, size: number): Promise<ProduceResult> {
  const producer = await client.createProducer({
    topic,
    batchingMaxPublishDelayMs: BATCH_WINDOW_MS,
    batchingMaxMessages: BATCH_MAX_MESSAGES,
    maxPendingMessages: OUTSTANDING,
  });
  const payload = Buffer.alloc(size, 0x61);
  const latencies = new Float64Array(count);
  let outstanding = 0;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const settled = () => {
    outstanding--;
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    while (outstanding >= OUTSTANDING) await new Promise<void>((resolve) => (wake = resolve));
    if (failure) throw failure;
    outstanding++;
    const sentAt = performance.now();
    producer.send({ data: payload }).then(
      () => {
        latencies[i] = performance.now() - sentAt;
        settled();
      },
      (error: unknown) => {
        failure = error;
        settled();
      },
    );
  }
  while (outstanding > 0) await new Promise<void>((resolve) => (wake = resolve));
  if (failure) throw failure;
  const elapsed = performance.now() - started;
  await producer.close();
  latencies.sort();
  return { rate: (count / elapsed) * 1000, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

/** Receives and acknowledges `count` messages one `receive()` at a time; the rate from subscribing on. */
export async function consumeOurs(client: PulsarClient, topic: string, subscription: string, count: number): Promise<number> {
  const consumer = await client.subscribe({ topic, subscription, receiverQueueSize: RECEIVER_QUEUE });
  const started = performance.now();
  for (let i = 0; i < count; i++) consumer.acknowledge(await consumer.receive(30_000));
  const elapsed = performance.now() - started;
  await consumer.close();
  return (count / elapsed) * 1000;
}
