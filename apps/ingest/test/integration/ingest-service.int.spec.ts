import './detection-jest-realm';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DetectionEvent, TrackEvent } from '@retail/schema';
import { DetectionEvent as DetectionRecord, pulsarSchemaOf, TrackEvent as TrackRecord } from '@retail/schema';
import { writeSyntheticReid } from '../../src/models/synthetic-reid';
import { writeSyntheticYolov8 } from '../../src/models/synthetic-yolov8';
import {
  admin,
  CLIP_FPS,
  counterValue,
  dedupNamespace,
  endpoints,
  histogramCount,
  makeCorruptClip,
  makeRedClip,
  readTopic,
  startIngest,
  unique,
  until,
  type Received,
  type RunningIngest,
} from './ingest-service-harness';
import { PulsarCutProxy } from './pulsar-cut-proxy';
import { makeSquareClip, SQUARE_CLIP } from './sources-helpers';

// The service in this process: real GStreamer children, onnxruntime with the synthetic YOLOv8-shaped model, the
// stack's Pulsar broker. A red picture makes the model "see" two people at fixed places (planted boxes A and C), so
// every frame has exactly two detections and the tracker confirms two tracks on the third frame (nInit 3).
jest.setTimeout(60_000);

const FRAMES = 10;
const SIZE = 64;
const OBJECTS_PER_FRAME = 2;
const N_INIT = 3;
const EVENTS_PER_CLIP = OBJECTS_PER_FRAME * (FRAMES - (N_INIT - 1));
/** Track events per camera of a clip: started and ended for each of the two tracks. */
const TRACK_EVENTS_PER_CLIP = 2 * OBJECTS_PER_FRAME;
const FRAME_INTERVAL_US = 1_000_000 / CLIP_FPS;

let dir: string;
let modelPath: string;
let reidModelPath: string;
let clip: string;
let wideClip: string;
let corrupt: string;
let ns: Awaited<ReturnType<typeof dedupNamespace>>;
let running: RunningIngest | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ingest-service-int-'));
  modelPath = await writeSyntheticYolov8(path.join(dir, 'synthetic.onnx'), { dynamicBatch: true });
  reidModelPath = await writeSyntheticReid(path.join(dir, 'reid.onnx'));
  clip = path.join(dir, 'red.mp4');
  wideClip = path.join(dir, 'wide.mp4');
  corrupt = path.join(dir, 'corrupt.mp4');
  await Promise.all([makeRedClip(clip, FRAMES, SIZE), makeSquareClip(wideClip, FRAMES, CLIP_FPS), makeCorruptClip(corrupt)]);
  ns = await dedupNamespace('ingest-int');
});

afterEach(async () => {
  await running?.handle.shutdown('test finished');
  running = undefined;
});

afterAll(async () => {
  await ns?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

interface Topics {
  detections: string;
  trackEvents: string;
  /** Partitions the service's provisioning is configured with (the topics exist already with as many). */
  partitions?: number;
}

async function freshTopics(partitions: number): Promise<Topics> {
  const topics = { detections: ns.topic('detections'), trackEvents: ns.topic('track-events') };
  for (const topic of Object.values(topics)) {
    if (partitions > 0) await admin.createPartitionedTopic(topic, partitions);
    else await admin.createTopic(topic);
  }
  return { ...topics, partitions };
}

function serviceEnv(topics: Topics, cameras: Array<{ cameraId: string; source: string }>, extra: Record<string, string> = {}): Record<string, string> {
  return {
    CAMERAS: JSON.stringify(cameras.map((camera) => ({ ...camera, storeId: 'store-int', fpsLimit: 30 }))),
    MODEL_URI: modelPath,
    MODEL_CACHE_DIR: path.join(dir, 'cache'),
    DETECTION_INTRA_OP_THREADS: '1',
    TRACKER_N_INIT: String(N_INIT),
    PULSAR_SERVICE_URL: endpoints.pulsarServiceUrl,
    PULSAR_ADMIN_URL: endpoints.pulsarAdminUrl,
    DETECTIONS_TOPIC: topics.detections,
    TRACK_EVENTS_TOPIC: topics.trackEvents,
    // Provisioning stays on (the default): it finds these topics in place and registers their schemas.
    DETECTIONS_TOPIC_PARTITIONS: String(topics.partitions ?? 0),
    TRACK_EVENTS_TOPIC_PARTITIONS: String(topics.partitions ?? 0),
    INGEST_PRODUCER_NAME: unique('ingest-int'),
    ...extra,
  };
}

/** Waits for every camera to end and every event to be acknowledged by the broker. */
async function drained(ingest: RunningIngest): Promise<void> {
  await ingest.pipeline.camerasDone;
  await Promise.all([ingest.pipeline.publishers.detections.flush(), ingest.pipeline.publishers.track_events.flush()]);
}

function byCamera<T extends { camera_id: string }>(received: Array<Received<T>>): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const { value } of received) groups.set(value.camera_id, [...(groups.get(value.camera_id) ?? []), value]);
  return groups;
}

function expectFrameOrder(events: DetectionEvent[]): void {
  for (let i = 1; i < events.length; i++) {
    const [before, after] = [events[i - 1]!, events[i]!];
    expect(after.frame_seq).toBeGreaterThanOrEqual(before.frame_seq);
    // same frame: same time; next frame: later
    expect(Math.sign(after.frame_ts - before.frame_ts)).toBe(Math.sign(after.frame_seq - before.frame_seq));
  }
}

/** A 10 fps file: frame k (by frame_seq) is exactly k × 100 ms after frame 0 (file event time = start + PTS). */
function expectFrameTimes(events: DetectionEvent[]): void {
  const first = events[0]!;
  const firstFrameTs = first.frame_ts - first.frame_seq * FRAME_INTERVAL_US;
  expect(events.map((e) => [e.frame_seq, e.frame_ts - firstFrameTs])).toEqual(events.map((e) => [e.frame_seq, e.frame_seq * FRAME_INTERVAL_US]));
}

describe('ingest service end to end', () => {
  it('two cameras: detections keyed by camera, in frame order, with track start and end events', async () => {
    const topics = await freshTopics(2);
    const cameras = [
      { cameraId: 'cam-a', source: `file://${clip}` },
      { cameraId: 'cam-b', source: `file://${clip}` },
    ];
    running = await startIngest(serviceEnv(topics, cameras));
    await drained(running);
    const report = await running.handle.context.readiness.evaluate();
    expect(report.checks.map((check) => [check.name, check.ok])).toEqual([
      ['model', true],
      ['pulsar', true],
      ['cameras', true],
      ['pulsar-acks', true],
    ]);
    const { metrics } = running.pipeline;
    for (const { cameraId } of cameras) {
      const camera = { camera_id: cameraId };
      expect(await counterValue(metrics.framesIn, camera)).toBe(FRAMES);
      expect(await counterValue(metrics.framesProcessed, camera)).toBe(FRAMES);
      expect(await counterValue(metrics.eventsPublished, { ...camera, topic: 'detections' })).toBe(EVENTS_PER_CLIP);
      // The queue gauge has a series for the camera (drained by now: 0 frames waiting).
      expect((await metrics.queueDepth.get()).values.filter((v) => v.labels.camera_id === cameraId).map((v) => v.value)).toEqual([0]);
      expect(await histogramCount(metrics.inferenceMs, camera)).toBe(FRAMES);
      expect(await histogramCount(metrics.preprocessMs, camera)).toBe(FRAMES);
      expect(await histogramCount(metrics.publishLatencyMs, { ...camera, topic: 'detections' })).toBe(EVENTS_PER_CLIP);
      expect(await histogramCount(metrics.publishLatencyMs, { ...camera, topic: 'track_events' })).toBe(TRACK_EVENTS_PER_CLIP);
    }

    const detections = await readTopic<DetectionEvent>(topics.detections, DetectionRecord, 2 * EVENTS_PER_CLIP);
    expect(detections).toHaveLength(2 * EVENTS_PER_CLIP);
    expect(detections.every(({ key, value }) => key === value.camera_id)).toBe(true);
    // Pulsar event time = the frame's time in ms.
    expect(detections.filter(({ eventTime, value }) => eventTime !== Math.floor(value.frame_ts / 1000))).toEqual([]);
    expect(new Set(detections.map(({ value }) => value.detection_id)).size).toBe(detections.length);
    const groups = byCamera(detections);
    expect([...groups.keys()].sort()).toEqual(['cam-a', 'cam-b']);
    for (const events of groups.values()) {
      expect(events).toHaveLength(EVENTS_PER_CLIP);
      expectFrameOrder(events);
      expectFrameTimes(events);
      expect(new Set(events.map((e) => e.track_id))).toEqual(new Set([1, 2]));
      expect(events.every((e) => e.item_name === 'person' && e.frame_width === SIZE && e.store_id === 'store-int')).toBe(true);
      expect(events[0]!.frame_seq).toBe(N_INIT - 1);
    }

    const trackEvents = await readTopic<TrackEvent>(topics.trackEvents, TrackRecord, 2 * TRACK_EVENTS_PER_CLIP);
    for (const [cameraId, events] of byCamera(trackEvents)) {
      expect([cameraId, events.map((e) => `${e.kind}:${e.track_id}`).sort()]).toEqual([cameraId, ['ended:1', 'ended:2', 'started:1', 'started:2']]);
    }
    expect(trackEvents.every(({ key, value }) => key === value.camera_id)).toBe(true);
  });

  it('a 16:9 camera: the detector gets 640×360 frames (not stretched to 640×640), boxes land at their places in the camera frame', async () => {
    const topics = await freshTopics(1);
    running = await startIngest(serviceEnv(topics, [{ cameraId: 'cam-wide', source: `file://${wideClip}` }]));
    await drained(running);
    const detections = (await readTopic<DetectionEvent>(topics.detections, DetectionRecord, EVENTS_PER_CLIP)).map(({ value }) => value);
    expect(detections).toHaveLength(EVENTS_PER_CLIP);
    // The frame the detector saw: the camera's 16:9 at 640 wide (the default FRAME_MAX_WIDTH × FRAME_MAX_HEIGHT box).
    expect(new Set(detections.map((e) => `${e.frame_width}x${e.frame_height}`))).toEqual(new Set(['640x360']));
    // The synthetic model plants person boxes A and C in its 640×640 input; the letterbox puts the 640×360 frame at
    // rows 140..500, so in the frame they sit 140 rows higher. Normalised, they are the same boxes in the camera's own
    // 1280×720 pixels: A = (300, 160) 200×400 px. (Stretched to 640×640, A would have come out at y 0.344, h 0.3125.)
    const letterboxTop = (640 - 360) / 2;
    const expected = [
      { x: 150 / 640, y: (220 - letterboxTop) / 360, w: 100 / 640, h: 200 / 360 },
      { x: 440 / 640, y: (240 - letterboxTop) / 360, w: 80 / 640, h: 160 / 360 },
    ];
    for (const event of detections) {
      const planted = event.bbox.x < 0.5 ? expected[0]! : expected[1]!;
      for (const key of ['x', 'y', 'w', 'h'] as const) expect(event.bbox[key]).toBeCloseTo(planted[key], 4);
    }
    const inCameraPixels = detections.find((e) => e.bbox.x < 0.5)!.bbox;
    expect([inCameraPixels.x * SQUARE_CLIP.width, inCameraPixels.y * SQUARE_CLIP.height, inCameraPixels.w * SQUARE_CLIP.width, inCameraPixels.h * SQUARE_CLIP.height].map(Math.round)).toEqual([300, 160, 200, 400]);
  });

  it('a corrupt file fails its own camera only: every event of the other camera arrives', async () => {
    const topics = await freshTopics(2);
    running = await startIngest(serviceEnv(topics, [
      { cameraId: 'cam-good', source: `file://${clip}` },
      { cameraId: 'cam-corrupt', source: `file://${corrupt}` },
    ]));
    await drained(running);

    const detections = await readTopic<DetectionEvent>(topics.detections, DetectionRecord, EVENTS_PER_CLIP);
    expect(detections).toHaveLength(EVENTS_PER_CLIP);
    expect(detections.every(({ value }) => value.camera_id === 'cam-good')).toBe(true);
    expectFrameOrder(detections.map(({ value }) => value));
    expect(running.logs.join('')).toMatch(/"cameraId":"cam-corrupt".*camera failed/);
  });

  it('broker away for a while: events wait in the bounded buffer and arrive after recovery, none lost, none twice', async () => {
    const topics = await freshTopics(0);
    const proxy = await PulsarCutProxy.start(endpoints.pulsarServiceUrl);
    try {
      // A live test camera (10 fps) keeps producing while the broker is cut off; the test stops the service.
      running = await startIngest(
        serviceEnv(topics, [{ cameraId: 'cam-live', source: `videotestsrc://red?width=${SIZE}&height=${SIZE}&fps=10&live=true` }], {
          PULSAR_SERVICE_URL: proxy.serviceUrl,
          PUBLISH_MAX_PENDING_MESSAGES: '4',
          PUBLISH_BUFFER_CAPACITY: '1000',
          PUBLISH_RECONNECT_MAX_BACKOFF_MS: '500',
        }),
      );
      const { pipeline } = running;
      const published = () => counterValue(pipeline.metrics.eventsPublished, { topic: 'detections' });
      await until(async () => (await published()) > 0, 'the first acknowledged event');
      proxy.cut();
      // beyond the producer's window of 4: the publisher's own buffer holds the rest
      await until(() => pipeline.publishers.detections.buffered >= 10, 'events to queue up in the publish buffer');
      const publishedBeforeRestore = await published();
      proxy.restore();
      await until(async () => (await published()) >= publishedBeforeRestore + 30, 'events published after the broker came back');
      await running.handle.shutdown('test finished'); // stops the camera, ends its tracks, flushes the producers

      const processed = await counterValue(pipeline.metrics.framesProcessed);
      const expected = OBJECTS_PER_FRAME * (processed - (N_INIT - 1));
      expect(await counterValue(pipeline.metrics.publishDropped)).toBe(0);
      expect(await counterValue(pipeline.metrics.publishFailed)).toBe(0);
      expect(await published()).toBe(expected);

      const detections = await readTopic<DetectionEvent>(topics.detections, DetectionRecord, expected);
      expect(detections).toHaveLength(expected);
      expect(new Set(detections.map(({ value }) => value.detection_id)).size).toBe(expected);
      expectFrameOrder(detections.map(({ value }) => value));
    } finally {
      await running?.handle.shutdown('test finished');
      running = undefined;
      await proxy.close();
    }
  });

  it('with a ReID model: every detection is cropped and embedded by it, and tracks and events are as with the histogram', async () => {
    const topics = await freshTopics(1);
    running = await startIngest(serviceEnv(topics, [{ cameraId: 'cam-reid', source: `file://${clip}` }], { REID_MODEL_URI: reidModelPath }));
    await drained(running);
    expect(running.pipeline.reid?.info).toMatchObject({ featureLength: 128, inputWidth: 64, inputHeight: 128 });
    // Two detections a frame, both frames' crops in one run each.
    expect(running.pipeline.reid?.stats).toMatchObject({ crops: OBJECTS_PER_FRAME * FRAMES, runs: FRAMES });
    expect(await counterValue(running.pipeline.metrics.frameErrors)).toBe(0);
    const appearance = (await running.pipeline.metrics.appearanceMs.get()).values.find((v) => v.metricName === 'ingest_appearance_ms_count');
    expect(appearance).toMatchObject({ labels: { camera_id: 'cam-reid' }, value: FRAMES });

    const detections = await readTopic<DetectionEvent>(topics.detections, DetectionRecord, EVENTS_PER_CLIP);
    expect(detections).toHaveLength(EVENTS_PER_CLIP);
    expect(new Set(detections.map(({ value }) => value.track_id))).toEqual(new Set([1, 2]));
    expectFrameOrder(detections.map(({ value }) => value));
  });

  it('provisions a namespace and topics that do not exist yet, then publishes to them', async () => {
    const namespace = `public/${unique('ingest-prov-svc')}`;
    const topics = { detections: `persistent://${namespace}/detections`, trackEvents: `persistent://${namespace}/track-events`, partitions: 2 };
    try {
      running = await startIngest(serviceEnv(topics, [{ cameraId: 'cam-prov', source: `file://${clip}` }]));
      expect(await admin.getDeduplication(namespace)).toBe(true);
      expect(await admin.partitionCount(topics.detections)).toBe(2);
      expect((await admin.getSchema(topics.detections))?.type).toBe('AVRO');
      await drained(running);
      const detections = await readTopic<DetectionEvent>(topics.detections, DetectionRecord, EVENTS_PER_CLIP);
      expect(detections).toHaveLength(EVENTS_PER_CLIP);
      expect(running.logs.join('')).toMatch(/pulsar topics provisioned/);
    } finally {
      await running?.handle.shutdown('test finished');
      running = undefined;
      for (const topic of [topics.detections, topics.trackEvents]) await admin.deletePartitionedTopic(topic, true).catch(() => undefined);
      await admin.deleteNamespace(namespace, true).catch(() => undefined);
    }
  });

  it('a topic whose registered schema is incompatible stops the start with an error naming the topic', async () => {
    const topics = await freshTopics(1);
    await admin.uploadSchema(topics.detections, pulsarSchemaOf(TrackRecord));
    await expect(startIngest(serviceEnv(topics, [{ cameraId: 'cam-a', source: `file://${clip}` }]))).rejects.toThrow(
      new RegExp(`DetectionEvent v1 AVRO schema is incompatible with the schema registered on ${topics.detections}.*PULSAR_PROVISIONING=false`),
    );
  });

  it('a ReID model that cannot be loaded is a startup error naming the setting', async () => {
    const topics = { detections: ns.topic('detections'), trackEvents: ns.topic('track-events') };
    const missing = path.join(dir, 'no-such-reid.onnx');
    await expect(startIngest(serviceEnv(topics, [{ cameraId: 'cam-a', source: `file://${clip}` }], { REID_MODEL_URI: missing }))).rejects.toThrow(
      /cannot load the ReID model .*no-such-reid\.onnx.*check tracker\.reidModel \(REID_MODEL_URI\)/,
    );
  });

  it('a model that cannot be loaded is a startup error naming the setting', async () => {
    const topics = { detections: ns.topic('detections'), trackEvents: ns.topic('track-events') };
    const missing = path.join(dir, 'no-such-model.onnx');
    await expect(startIngest(serviceEnv(topics, [{ cameraId: 'cam-a', source: `file://${clip}` }], { MODEL_URI: missing }))).rejects.toThrow(
      /cannot load the detection model .*no-such-model\.onnx.*check model\.uri \(MODEL_URI\)/,
    );
  });
});
