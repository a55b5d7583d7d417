// Pulsar client benchmark, in one run against the local stack's standalone broker: produce and
// consume throughput (256-byte messages, batching on) and publish latency of @retail/pulsar and of
// Java's pulsar-perf (PerformanceProducer / PerformanceConsumer as child JVMs), same broker, same
// message count, same limits (1000 messages outstanding, 1 ms batching window, 1000 messages per
// batch, receiver queue 1000). Both consumers read the same backlog.
//
// Run: npm run bench -- pulsar [--count 200000] [--size 256]
// Ends with one JSON line {"suite":"pulsar","unit":"msg/s","ours":N,"peer":N,"ratio":R}, where each
// side's figure is the lower of its produce and consume throughput.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { PulsarAdmin, PulsarClient } from '@retail/pulsar';
import { stackContext, stackEndpoints, up } from '@retail/stack';
import { BATCH_MAX_MESSAGES, BATCH_WINDOW_MS, consumeOurs, OUTSTANDING, produceOurs, RECEIVER_QUEUE, type ProduceResult } from './ours';
import { pulsarPerfClasspath } from './pulsar-perf';

/** pulsar-perf's rate limit, far above what either client reaches here: the rate never binds. */
const UNBOUNDED_RATE = 10_000_000;
const JVM_FLAGS = ['-Xms256m', '-Xmx768m'];

const endpoints = stackEndpoints();

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number, got ${process.argv[index + 1]}`);
  return value;
}

async function ensurePulsar(): Promise<void> {
  const healthy = await fetch(`${endpoints.pulsarAdminUrl}/admin/v2/brokers/health`).then((r) => r.ok, () => false);
  if (!healthy) {
    console.log('bringing up the stack\'s Pulsar broker');
    await up(stackContext(), ['pulsar']);
  }
}

/** A durable subscription made before producing, so the backlog is kept for the consume runs. */
async function createSubscription(client: PulsarClient, topic: string, subscription: string): Promise<void> {
  const consumer = await client.subscribe({ topic, subscription, subscriptionInitialPosition: 'earliest' });
  await consumer.close();
}

/** Runs pulsar-perf (PulsarPerfTestTool with an empty client config) and returns its output. */
function pulsarPerf(classpath: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('java', [...JVM_FLAGS, '-cp', classpath, 'org.apache.pulsar.testclient.PulsarPerfTestTool', '/dev/null', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`pulsar-perf ${args[0]} exited with ${code}:\n${output.slice(-3000)}`));
    });
  });
}

function logTime(output: string, pattern: RegExp, what: string): number {
  const line = output.split('\n').find((l) => pattern.test(l));
  const stamp = line?.match(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d),(\d{3})/);
  if (!stamp) throw new Error(`pulsar-perf printed no ${what} line`);
  return Date.parse(`${stamp[1]}.${stamp[2]}Z`);
}

function latencyStats(output: string): { p50Ms: number; p99Ms: number } {
  const stats = output.match(/Aggregated latency stats --- Latency: mean:\s*[\d.]+ ms - med:\s*([\d.]+) - 95pct:\s*[\d.]+ - 99pct:\s*([\d.]+)/);
  if (!stats) throw new Error(`pulsar-perf printed no aggregated latency summary:\n${output.slice(-1500)}`);
  const result = { p50Ms: Number(stats[1]), p99Ms: Number(stats[2]) };
  if (result.p99Ms === 0) throw new Error('pulsar-perf recorded no latencies (its warm-up excludes the first second)');
  return result;
}

/**
 * pulsar-perf's aggregated producer throughput divides by the whole run, JVM start and its
 * shutdown wait included; to measure what we measure for ours, the rate is taken from its log:
 * producer created → "DONE (reached the maximum number ...)". Its own summary is printed beside.
 */
async function produceJava(classpath: string, topic: string, count: number, size: number): Promise<ProduceResult & { summary: string }> {
  const output = await pulsarPerf(classpath, [
    'produce', '-u', endpoints.pulsarServiceUrl, '-m', String(count), '-s', String(size), '-r', String(UNBOUNDED_RATE),
    '-o', String(OUTSTANDING), '--warmup-time', '0', '-b', String(BATCH_WINDOW_MS), '-bm', String(BATCH_MAX_MESSAGES), topic,
  ]);
  const started = logTime(output, /Created producer|Creating producer on cnx/, 'producer-created');
  const done = logTime(output, /DONE \(reached the maximum number/, 'DONE');
  const summary = output.match(/Aggregated throughput stats --- .*?msg\/s/)?.[0] ?? '(no summary)';
  return { rate: (count / (done - started)) * 1000, ...latencyStats(output), summary };
}

async function consumeJava(classpath: string, topic: string, subscription: string, count: number): Promise<number> {
  const output = await pulsarPerf(classpath, ['consume', '-u', endpoints.pulsarServiceUrl, '-m', String(count), '-ss', subscription, '-q', String(RECEIVER_QUEUE), topic]);
  const summary = output.match(/Aggregated throughput stats --- (\d+) records received --- ([\d.]+) msg\/s/);
  if (!summary) throw new Error(`pulsar-perf consume printed no aggregated throughput summary:\n${output.slice(-2000)}`);
  if (Number(summary[1]) < count) throw new Error(`pulsar-perf consumed ${summary[1]} of ${count} messages`);
  return Number(summary[2]);
}

async function main(): Promise<void> {
  const count = argument('count', 200_000);
  const size = argument('size', 256);
  const admin = new PulsarAdmin({ adminUrl: endpoints.pulsarAdminUrl });
  await ensurePulsar();
  const classpath = await pulsarPerfClasspath();
  const run = randomUUID().slice(0, 8);
  const javaTopic = `persistent://public/default/bench-java-${run}`;
  const ourTopic = `persistent://public/default/bench-ours-${run}`;
  const client = new PulsarClient({ serviceUrl: endpoints.pulsarServiceUrl });
  try {
    // Both consumers read the same backlog (the pulsar-perf producer's), each on its own subscription.
    await createSubscription(client, javaTopic, 'bench-java');
    await createSubscription(client, javaTopic, 'bench-ours');
    console.log(`${count} messages of ${size} bytes per side, ${OUTSTANDING} outstanding, batching ${BATCH_WINDOW_MS} ms / ${BATCH_MAX_MESSAGES} messages`);

    console.log('java pulsar-perf produce ...');
    const javaProduce = await produceJava(classpath, javaTopic, count, size);
    console.log(`  pulsar-perf's own summary: ${javaProduce.summary} (whole run, JVM start and shutdown wait included)`);
    console.log('ours produce ...');
    const ourProduce = await produceOurs(client, ourTopic, count, size);
    console.log('java pulsar-perf consume ...');
    const javaConsume = await consumeJava(classpath, javaTopic, 'bench-java', count);
    console.log('ours consume ...');
    const ourConsume = await consumeOurs(client, javaTopic, 'bench-ours', count);

    const row = (name: string, p: ProduceResult, consume: number) =>
      `${name.padEnd(18)}${p.rate.toFixed(0).padStart(12)}${consume.toFixed(0).padStart(12)}${p.p50Ms.toFixed(1).padStart(10)}${p.p99Ms.toFixed(1).padStart(10)}`;
    console.log(`\n${'client'.padEnd(18)}${'produce/s'.padStart(12)}${'consume/s'.padStart(12)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}`);
    console.log(row('@retail/pulsar', ourProduce, ourConsume));
    console.log(row('java pulsar-perf', javaProduce, javaConsume));
    console.log('(latency: send call → broker ack, under the same 1000-outstanding saturation on both sides)\n');

    const ours = Math.min(ourProduce.rate, ourConsume);
    const peer = Math.min(javaProduce.rate, javaConsume);
    console.log(JSON.stringify({ suite: 'pulsar', unit: 'msg/s', ours: Math.round(ours), peer: Math.round(peer), ratio: Math.round((ours / peer) * 100) / 100 }));
  } finally {
    await client.close();
    await admin.deleteTopic(javaTopic, true).catch(() => undefined);
    await admin.deleteTopic(ourTopic, true).catch(() => undefined);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
