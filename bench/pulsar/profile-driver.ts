// The benchmark's own produce and consume loops (ours.ts) against the stack's broker, without the
// JVM beside them, for CPU profiles of our client. Bundle it so the profile names our functions,
// not the TypeScript loader's:
//
//   npx esbuild bench/pulsar/profile-driver.ts --bundle --platform=node --sourcemap \
//     --tsconfig=tsconfig.base.json --outfile=/tmp/pulsar-driver/driver.js
//   cp node_modules/@bokuweb/zstd-wasm/dist/common/zstd.wasm /tmp/pulsar-driver/
//   node --enable-source-maps --cpu-prof --cpu-prof-dir=/tmp/prof /tmp/pulsar-driver/driver.js [--count 200000] [--size 256]
import { randomUUID } from 'node:crypto';
import { PulsarAdmin, PulsarClient } from '@retail/pulsar';
import { stackEndpoints } from '@retail/stack';
import { consumeOurs, produceOurs } from './ours';

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

async function main(): Promise<void> {
  const count = argument('count', 200_000);
  const size = argument('size', 256);
  const endpoints = stackEndpoints();
  const topic = `persistent://public/default/profile-${randomUUID().slice(0, 8)}`;
  const client = new PulsarClient({ serviceUrl: endpoints.pulsarServiceUrl });
  const admin = new PulsarAdmin({ adminUrl: endpoints.pulsarAdminUrl });
  try {
    // The subscription exists before producing, so the consume run reads the whole backlog.
    await (await client.subscribe({ topic, subscription: 'profile', subscriptionInitialPosition: 'earliest' })).close();
    const produced = await produceOurs(client, topic, count, size);
    console.log(`produce: ${produced.rate.toFixed(0)} msg/s, p50 ${produced.p50Ms.toFixed(1)} ms, p99 ${produced.p99Ms.toFixed(1)} ms`);
    console.log(`consume: ${(await consumeOurs(client, topic, 'profile', count)).toFixed(0)} msg/s`);
  } finally {
    await client.close();
    await admin.deleteTopic(topic, true).catch(() => undefined);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
