// A small produce-then-consume driver with the benchmark's settings, for CPU profiles of our
// client alone (no JVM beside it). Bundle it so the profile names our functions, not the loader's:
//
//   npx esbuild bench/pulsar/profile-driver.ts --bundle --platform=node --sourcemap \
//     --tsconfig=tsconfig.base.json --outfile=/tmp/pulsar-driver.js
//   node --enable-source-maps --cpu-prof --cpu-prof-dir=/tmp/prof /tmp/pulsar-driver.js [--count 100000] [--mode both|produce|consume]
import { randomUUID } from 'node:crypto';
import { PulsarAdmin, PulsarClient } from '@retail/pulsar';
import { stackEndpoints } from '@retail/stack';

const OUTSTANDING = 1000;

function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1]! : fallback;
}

async function main(): Promise<void> {
  const count = Number(argument('count', '100000'));
  const size = Number(argument('size', '256'));
  const mode = argument('mode', 'both');
  const endpoints = stackEndpoints();
  const topic = `persistent://public/default/profile-${randomUUID().slice(0, 8)}`;
  const client = new PulsarClient({ serviceUrl: endpoints.pulsarServiceUrl });
  const admin = new PulsarAdmin({ adminUrl: endpoints.pulsarAdminUrl });
  try {
    await (await client.subscribe({ topic, subscription: 'profile', subscriptionInitialPosition: 'earliest' })).close();
    const producer = await client.createProducer({ topic, batchingMaxPublishDelayMs: 1, batchingMaxMessages: 1000, maxPendingMessages: OUTSTANDING });
    const payload = Buffer.alloc(size, 0x61);
    let started = performance.now();
    let outstanding = 0;
    let wake: (() => void) | undefined;
    const settled = () => {
      outstanding--;
      const resume = wake;
      wake = undefined;
      resume?.();
    };
    for (let i = 0; i < count; i++) {
      while (outstanding >= OUTSTANDING) await new Promise<void>((resolve) => (wake = resolve));
      outstanding++;
      producer.send({ data: payload }).then(settled, (error: unknown) => {
        console.error(error);
        process.exit(1);
      });
    }
    while (outstanding > 0) await new Promise<void>((resolve) => (wake = resolve));
    if (mode !== 'consume') console.log(`produce: ${((count / (performance.now() - started)) * 1000).toFixed(0)} msg/s`);
    await producer.close();
    if (mode === 'produce') return;

    const consumer = await client.subscribe({ topic, subscription: 'profile', receiverQueueSize: 1000 });
    started = performance.now();
    for (let i = 0; i < count; i++) consumer.acknowledge(await consumer.receive(30_000));
    console.log(`consume: ${((count / (performance.now() - started)) * 1000).toFixed(0)} msg/s`);
    await consumer.close();
  } finally {
    await client.close();
    await admin.deleteTopic(topic, true).catch(() => undefined);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
