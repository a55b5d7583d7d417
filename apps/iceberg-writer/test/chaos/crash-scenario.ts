import { seededRandom } from '@retail/runtime';
import { detection, encodeDetection, encodeTrackEvent, trackEvent } from '../support/events';
import { createTestRun, dropRunTables, openProducer, tableName, trinoCount, trinoRows, waitFor, type TestRun } from '../support/stack';
import { WriterProcess } from '../support/writer-process';

export interface CrashScenarioOptions {
  /** Detections published (track events: a tenth of that, on the second topic). */
  messages: number;
  /** kill -9 this many times while the producer publishes. */
  kills: number;
  /** Messages per second the producer aims at. */
  rate: number;
  seed: number;
  /** Every n-th detection is malformed (dead letter). */
  malformedEvery?: number;
  keepTables?: boolean;
  log?: (line: string) => void;
}

export interface CrashScenarioResult {
  run: TestRun;
  kills: number;
  expected: { detections: number; trackEvents: number; deadLetters: number };
  found: { detections: number; distinctDetections: number; trackEvents: number; distinctTrackEvents: number; deadLetters: number; distinctDeadLetters: number };
  missingIds: string[];
  unexpectedIds: string[];
  contentMismatches: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Publishes at `rate` messages/s in ticks, waiting for the broker's acks of each tick. */
async function publishAll(run: TestRun, options: CrashScenarioOptions): Promise<void> {
  const every = options.malformedEvery ?? 0;
  const detections = await openProducer(run.detectionsTopic);
  const tracks = await openProducer(run.trackEventsTopic);
  const tickMs = 50;
  const perTick = Math.max(1, Math.round((options.rate * tickMs) / 1000));
  try {
    for (let start = 0; start < options.messages; start += perTick) {
      const tickStarted = Date.now();
      const sends: Promise<unknown>[] = [];
      for (let i = start; i < Math.min(options.messages, start + perTick); i++) {
        const malformed = every > 0 && i % every === every - 1;
        const data = malformed ? Buffer.from(`garbage ${i}`) : encodeDetection(detection(i, run.id));
        sends.push(detections.producer.send({ data, key: `cam-${i % 16}` }));
        if (i % 10 === 0) sends.push(tracks.producer.send({ data: encodeTrackEvent(trackEvent(i / 10, run.id)), key: `cam-${i % 16}` }));
      }
      await Promise.all(sends);
      await sleep(Math.max(0, tickMs - (Date.now() - tickStarted)));
    }
  } finally {
    await detections.producer.close();
    await tracks.producer.close();
    await detections.client.close();
    await tracks.client.close();
  }
}

/**
 * The crash test: the writer runs as a child process and is killed with SIGKILL at random moments
 * (startup, mid-cycle, mid-commit) while a producer publishes; after the last restart it drains the
 * topics. Then the tables must hold every valid message exactly once and every malformed one as a
 * single dead letter.
 */
export async function runCrashScenario(options: CrashScenarioOptions): Promise<CrashScenarioResult> {
  const log = options.log ?? (() => undefined);
  const random = seededRandom(options.seed);
  const run = await createTestRun('crash');
  const env = { ...run.env, LOG_LEVEL: 'debug', COMMIT_INTERVAL_MS: '500' };
  let writer = new WriterProcess(env);
  let kills = 0;
  try {
    const publishing = publishAll(run, options);
    let published = false;
    void publishing.then(() => (published = true), () => (published = true));
    const expectedPublishMs = (options.messages / options.rate) * 1000;
    const meanGapMs = expectedPublishMs / (options.kills + 1);
    while (kills < options.kills) {
      const moment = random();
      try {
        if (moment < 0.2) {
          await sleep(Math.round(1500 * random())); // during start-up: epoch claims, recovery, subscribing
        } else if (moment < 0.6) {
          // Right after a commit, before Pulsar hears the acknowledgement: the cycle is redelivered.
          await writer.waitForLog('service started', 60_000);
          await sleep(Math.round(meanGapMs * random()));
          await writer.waitForNextLog('cycle committed', 30_000);
        } else {
          await writer.waitForLog('service started', 60_000);
          await sleep(Math.round(meanGapMs * (0.2 + 1.2 * random()))); // mid-cycle or mid-commit
        }
      } catch (error) {
        // The writer exited by itself or stalled (e.g. the broker restarted): note it, kill anyway.
        log(`before kill ${kills + 1}: ${(error as Error).message.split('\n')[0]}`);
      }
      writer.kill('SIGKILL');
      await writer.exited;
      kills++;
      log(`kill ${kills}/${options.kills} (published so far: ${published ? 'all' : 'in progress'})`);
      writer = new WriterProcess(env);
    }
    await publishing;
    if (!writer.running) writer = new WriterProcess(env);
    log('publishing done; draining');

    const every = options.malformedEvery ?? 0;
    const malformed = every > 0 ? Math.floor(options.messages / every) : 0;
    const expected = { detections: options.messages - malformed, trackEvents: Math.ceil(options.messages / 10), deadLetters: malformed };
    const detectionsTable = tableName(run, 'bronze.detections');
    const tracksTable = tableName(run, 'bronze.track_events');
    const deadLettersTable = tableName(run, 'ops.dead_letters');
    const drainMs = Math.max(30_000, options.messages / 2);
    await waitFor(() => trinoCount(detectionsTable), (n) => n >= expected.detections, drainMs, `${expected.detections} detections`).catch(() => undefined);
    await waitFor(() => trinoCount(tracksTable), (n) => n >= expected.trackEvents, 20_000, `${expected.trackEvents} track events`).catch(() => undefined);
    await waitFor(() => trinoCount(deadLettersTable), (n) => n >= expected.deadLetters, 20_000, `${expected.deadLetters} dead letters`).catch(() => undefined);
    writer.kill('SIGTERM');
    const exit = await writer.exited;
    log(`writer stopped with ${JSON.stringify(exit)}`);

    const [[detections, distinctDetections]] = (await trinoRows(`SELECT count(*), count(DISTINCT detection_id) FROM ${detectionsTable}`)) as number[][] as [[number, number]];
    const [[trackEvents, distinctTrackEvents]] = (await trinoRows(`SELECT count(*), count(DISTINCT event_id) FROM ${tracksTable}`)) as number[][] as [[number, number]];
    const [[deadLetters, distinctDeadLetters]] = (await trinoRows(`SELECT count(*), count(DISTINCT message_id) FROM ${deadLettersTable}`)) as number[][] as [[number, number]];

    // Content by id: every expected detection, with the values it was published with.
    const rows = await trinoRows(`SELECT detection_id, frame_seq, camera_id, class_id FROM ${detectionsTable}`);
    const byId = new Map(rows.map((r) => [String(r[0]), r]));
    const missingIds: string[] = [];
    let contentMismatches = 0;
    const expectedIds = new Set<string>();
    for (let i = 0; i < options.messages; i++) {
      if (every > 0 && i % every === every - 1) continue;
      const event = detection(i, run.id);
      expectedIds.add(event.detection_id);
      const row = byId.get(event.detection_id);
      if (!row) missingIds.push(event.detection_id);
      else if (row[1] !== event.frame_seq || row[2] !== event.camera_id || row[3] !== event.class_id) contentMismatches++;
    }
    const unexpectedIds = [...byId.keys()].filter((id) => !expectedIds.has(id));
    return {
      run,
      kills,
      expected,
      found: { detections, distinctDetections, trackEvents, distinctTrackEvents, deadLetters, distinctDeadLetters },
      missingIds: missingIds.slice(0, 20),
      unexpectedIds: unexpectedIds.slice(0, 20),
      contentMismatches,
    };
  } catch (error) {
    throw new Error(`crash scenario failed: ${(error as Error).message}\nwriter log tail:\n${writer.logTail.slice(-4000)}`, { cause: error });
  } finally {
    writer.kill('SIGKILL');
    if (!options.keepTables) await dropRunTables(run).catch(() => undefined);
  }
}
