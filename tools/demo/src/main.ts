/**
 * `./lakehouse demo`: the pipeline on the local stack, end to end, ending with results queried
 * from Trino. It grows as the apps land; today:
 *   synthetic scene (stores, cameras, shopper detections as the edge would publish them)
 *   → Pulsar (our client, Avro, keyed by camera_id)
 *   → iceberg-writer (bronze tables, exactly once) and stream-compute (silver/gold, exactly once)
 *   → Trino queries.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PulsarClient } from '@retail/pulsar';
import { avroCodecOf, DetectionEvent } from '@retail/schema';
import { REPO_ROOT, stackConnectionEnv, stackContext, stackEndpoints, trinoQuery, up, waitFor } from '@retail/stack';
import { provisionPulsar } from './provision';
import { sqlStatements, writeReference } from './reference';
import { buildScene, DEFAULT_SCENE } from './scene';

const endpoints = stackEndpoints();
const say = (message: string) => console.log(`[demo] ${message}`);

const APPS = ['iceberg-writer', 'stream-compute'] as const;

function startApp(app: (typeof APPS)[number], port: number): ChildProcess {
  const child = spawn(process.execPath, ['--enable-source-maps', path.join(REPO_ROOT, 'dist/apps', app, 'main.js')], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ...stackConnectionEnv(endpoints),
      HTTP_PORT: String(port),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM') say(`${app} exited with ${code ?? signal}`);
  });
  return child;
}

async function waitReady(port: number, app: string): Promise<void> {
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status, (status) => status === 200, 120_000, `${app} to be ready`, 1000);
}

function table(title: string, result: { columns: string[]; rows: unknown[][] }): void {
  console.log(`\n${title}`);
  console.log(`  ${result.columns.join(' | ')}`);
  for (const row of result.rows) console.log(`  ${row.map((value) => String(value)).join(' | ')}`);
}

async function main(): Promise<void> {
  say('bringing the local stack up');
  await up(stackContext());

  say('building the services');
  const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '-p', ...APPS, '--outputStyle=static'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('building the services failed');

  say('provisioning Pulsar (tenant retail, namespaces, partitioned topics)');
  await provisionPulsar(endpoints.pulsarAdminUrl);

  // A run-specific time range: each demo run adds its own fresh minutes of data.
  const durationS = 150;
  const startUs = (Math.floor(Date.now() / 60_000) * 60 - durationS - 60) * 1_000_000;
  const scene = buildScene({ ...DEFAULT_SCENE, startUs, durationS, seed: Date.now() % 100_000 });
  say(`scene: ${scene.stores.length} stores, ${scene.cameras.length} cameras, ${scene.detections.length} detections over ${durationS} s`);

  say('writing reference data (reference.stores, reference.cameras) through Trino');
  await writeReference(scene.stores, scene.cameras);

  const children = APPS.map((app, index) => ({ app, port: 9466 - index, child: startApp(app, 9466 - index) }));
  const stopAll = () => children.forEach(({ child }) => child.exitCode === null && child.kill('SIGTERM'));
  process.once('SIGINT', stopAll);
  try {
    for (const { app, port } of children) {
      await waitReady(port, app);
      say(`${app} is ready (metrics on http://127.0.0.1:${port}/metrics)`);
    }

    say('publishing detections to Pulsar, keyed by camera_id');
    const codec = avroCodecOf(DetectionEvent);
    const client = new PulsarClient({ serviceUrl: endpoints.pulsarServiceUrl });
    const producer = await client.createProducer({ topic: DetectionEvent.topic, batcher: 'keyBased', producerName: `demo-${startUs}` });
    const published = Date.now();
    await Promise.all(scene.detections.map((event) => producer.send({ key: event.camera_id, data: codec.encode(event), eventTime: Math.floor(event.frame_ts / 1000) })));
    await producer.close();
    await client.close();
    say(`published ${scene.detections.length} detections in ${Date.now() - published} ms`);

    const range = `frame_ts >= from_unixtime_nanos(${startUs * 1000}) AND frame_ts < from_unixtime_nanos(${(startUs + durationS * 1_000_000) * 1000})`;
    const bronze = await waitFor(
      async () => Number((await trinoQuery(`SELECT count(*) FROM iceberg.bronze.detections WHERE ${range}`)).rows[0]?.[0]),
      (count) => count >= scene.detections.length,
      120_000,
      'every detection in bronze.detections',
      1000,
    );
    say(`bronze.detections holds all ${bronze} detections of this run (${Date.now() - published} ms after publishing began)`);
    await waitFor(
      async () => Number((await trinoQuery(`SELECT count(*) FROM iceberg.gold.item_counts WHERE window_start >= from_unixtime_nanos(${startUs * 1000})`)).rows[0]?.[0]),
      (count) => count > 0,
      120_000,
      'closed windows in gold.item_counts',
      1000,
    );

    table(
      'bronze.detections of this run, per store and item',
      await trinoQuery(`SELECT store_id, item_name, count(*) AS detections, count(DISTINCT detection_id) AS distinct_ids FROM iceberg.bronze.detections WHERE ${range} GROUP BY 1, 2 ORDER BY 1, 2`),
    );
    for (const statement of sqlStatements('sql/views/gold.sql')) await trinoQuery(statement);
    table(
      'gold.item_counts_by_store: closed one-minute windows (a camera\'s last minute stays open until it sends newer events)',
      await trinoQuery(
        `SELECT window_start, store_id, item_name, detections, distinct_tracks FROM iceberg.gold.item_counts_by_store ` +
          `WHERE window_start >= from_unixtime_nanos(${startUs * 1000}) ORDER BY 1, 2, 3 LIMIT 30`,
      ),
    );
    table(
      'gold.line_crossings at the entrances',
      await trinoQuery(`SELECT store_id, line_id, direction, count(*) AS crossings FROM iceberg.gold.line_crossings WHERE ${range.replaceAll('frame_ts', 'crossing_ts')} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`),
    );
  } finally {
    stopAll();
    await Promise.all(children.map(({ child }) => new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)))));
  }
  say('done; the stack keeps running (`./lakehouse stack down` stops it)');
}

main().catch((error: Error) => {
  console.error(`[demo] failed: ${error.message}`);
  process.exit(1);
});
