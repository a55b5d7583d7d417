import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { PulsarAdmin, PulsarClient, type Consumer } from '@retail/pulsar';
import { createService, type ServiceHandle } from '@retail/runtime';
import { avroCodecOf, DetectionEvent, TrackEvent } from '@retail/schema';
import { stackEndpoints } from '@retail/stack';
import type { IngestConfig } from '../../src/config';
import type { IngestPipeline } from '../../src/pipeline/ingest-pipeline';
import { ingestService } from '../../src/service';
import { gstLaunch } from './sources-helpers';

export const endpoints = stackEndpoints();
export const admin = new PulsarAdmin({ adminUrl: endpoints.pulsarAdminUrl });

export function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** A namespace under `public` with broker de-duplication on, for one test file. */
export async function dedupNamespace(prefix: string) {
  const namespace = `public/${unique(prefix)}`;
  await admin.createNamespace(namespace);
  await admin.setDeduplication(namespace, true);
  return {
    topic: (name: string) => `persistent://${namespace}/${unique(name)}`,
    cleanup: () => admin.deleteNamespace(namespace, true).catch(() => undefined),
  };
}

/** Polls `condition` until it holds; fails naming `what` after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Frame rate of the clips made here. */
export const CLIP_FPS = 10;

/** An H.264/MP4 clip (10 fps) of a plain red picture: the synthetic model sees two people in every frame. */
export async function makeRedClip(file: string, frames: number, size: number): Promise<void> {
  await gstLaunch([
    'videotestsrc', 'pattern=red', `num-buffers=${frames}`, '!',
    `video/x-raw,format=I420,width=${size},height=${size},framerate=${CLIP_FPS}/1`, '!',
    'openh264enc', '!', 'h264parse', '!', 'mp4mux', '!', 'filesink', `location=${file}`,
  ]);
}

/** Bytes no demuxer recognises, named like a video. */
export async function makeCorruptClip(file: string): Promise<void> {
  const junk = Buffer.alloc(64 * 1024);
  for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919 + 13) % 251;
  await writeFile(file, junk);
}

export interface RunningIngest {
  handle: ServiceHandle<IngestConfig>;
  pipeline: IngestPipeline;
  logs: string[];
}

/** Starts the real service in this process with `env` as its whole environment (HTTP on a free port). */
export async function startIngest(env: Record<string, string>): Promise<RunningIngest> {
  const logs: string[] = [];
  let pipeline: IngestPipeline | undefined;
  const handle = createService(ingestService({ onPipeline: (started) => (pipeline = started) }), {
    env: { HTTP_PORT: '0', HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    logDestination: { write: (line: string) => void logs.push(line) },
  });
  try {
    await handle.start();
  } catch (error) {
    await handle.shutdown('start failed'); // closes the ops server
    throw error;
  }
  if (!pipeline) throw new Error(`the pipeline did not start:\n${logs.join('')}`);
  return { handle, pipeline, logs };
}

export interface Received<T> {
  key: string | undefined;
  /** The message's Pulsar event time (ms since the epoch), as the producer set it. */
  eventTime: number | undefined;
  value: T;
}

/** Reads `count` records from the start of `topic`, then checks for `settleMs` that nothing more arrives. */
export async function readTopic<T>(topic: string, record: typeof DetectionEvent | typeof TrackEvent, count: number, settleMs = 1500): Promise<Array<Received<T>>> {
  const client = new PulsarClient({ serviceUrl: endpoints.pulsarServiceUrl });
  const codec = avroCodecOf(record as typeof DetectionEvent);
  let consumer: Consumer | undefined;
  try {
    consumer = await client.subscribe({ topic, subscription: unique('check'), subscriptionInitialPosition: 'earliest' });
    const received: Array<Received<T>> = [];
    const take = async (timeoutMs: number) => {
      const message = await consumer!.receive(timeoutMs);
      consumer!.acknowledge(message);
      const decoded = codec.decode(message.data);
      if (!decoded.ok) throw new Error(`undecodable message on ${topic}: ${JSON.stringify(decoded.errors)}`);
      received.push({ key: message.key, eventTime: message.eventTime, value: decoded.value as unknown as T });
    };
    while (received.length < count) await take(15_000);
    // Anything beyond `count` (a duplicate, an extra event) would arrive now.
    await take(settleMs).catch(() => undefined);
    return received;
  } finally {
    await consumer?.close().catch(() => undefined);
    await client.close();
  }
}

/** Observations of a histogram (its `_count`, summed over series matching `labels`). */
export async function histogramCount(metric: { get(): Promise<{ values: Array<{ metricName?: string; labels: Record<string, unknown>; value: number }> }> }, labels: Record<string, string> = {}): Promise<number> {
  const { values } = await metric.get();
  return values
    .filter((v) => v.metricName?.endsWith('_count') === true && Object.entries(labels).every(([key, value]) => v.labels[key] === value))
    .reduce((sum, v) => sum + v.value, 0);
}

/** Integer value of a counter (summed over series matching `labels`). */
export async function counterValue(metric: { get(): Promise<{ values: Array<{ labels: Record<string, unknown>; value: number }> }> }, labels: Record<string, string> = {}): Promise<number> {
  const { values } = await metric.get();
  return values.filter((v) => Object.entries(labels).every(([key, value]) => v.labels[key] === value)).reduce((sum, v) => sum + v.value, 0);
}
