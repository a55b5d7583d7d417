import { performance } from 'node:perf_hooks';
import { PulsarAdmin, PulsarClient, type Producer } from '@retail/pulsar';
import type { ServiceContext } from '@retail/runtime';
import { avroCodecOf, DetectionEvent, TrackEvent } from '@retail/schema';
import type { IngestConfig } from '../config';
import { Detector, DetectionError, type DetectorOptions } from '../detection';
import { ProvisioningError, provisionTopics, type TopicPlan } from '../provisioning/provision-topics';
import { TopicPublisher } from '../publish/topic-publisher';
import { FrameSources, type VideoFrame } from '../sources';
import { CameraTracker, HsvHistogramExtractor, ReidOnnxExtractor, REID_OPTION_KEYS, TrackingError, type FeatureExtractor } from '../tracking';
import { CameraWorker } from './camera-worker';
import { DetectionBatcher } from './detection-batcher';
import { IngestMetrics, type TopicLabel } from './ingest-metrics';

/** A publisher whose in-flight messages have waited this long for the broker makes the service not ready. */
export const PULSAR_STALL_NOT_READY_MS = 10_000;

/** The detector options of the service configuration (keys as the detection stage names them). */
export function detectorOptionsOf(config: IngestConfig): DetectorOptions {
  const { detection, model } = config;
  return {
    modelUri: model.uri,
    confidenceThreshold: detection.confidenceThreshold,
    iouThreshold: detection.iouThreshold,
    maxDetections: detection.maxDetections,
    classFilter: detection.classFilter,
    ...(detection.classNames ? { classNames: detection.classNames } : {}),
    intraOpThreads: detection.intraOpThreads,
    executionProviders: detection.executionProviders,
    fallbackToCpu: detection.fallbackToCpu,
    maxBatchSize: detection.maxBatchSize,
    modelCacheDir: model.cacheDir,
    objectStore: {
      endpoint: model.objectStore.endpoint,
      region: model.objectStore.region,
      forcePathStyle: model.objectStore.forcePathStyle,
      credentials: { accessKeyId: model.objectStore.accessKeyId, secretAccessKey: model.objectStore.secretAccessKey },
    },
  };
}

/** The ReID extractor when `tracker.reidModel` is set (loaded like the detector's model), else undefined. */
export async function loadReidExtractor(config: IngestConfig): Promise<ReidOnnxExtractor | undefined> {
  const { tracker, model, detection } = config;
  if (tracker.reidModel === undefined) return undefined;
  try {
    return await ReidOnnxExtractor.load({
      modelUri: tracker.reidModel,
      mean: tracker.reidMean,
      std: tracker.reidStd,
      channelOrder: tracker.reidChannelOrder,
      maxBatchSize: tracker.reidMaxBatchSize,
      intraOpThreads: detection.intraOpThreads,
      modelCacheDir: model.cacheDir,
      objectStore: detectorOptionsOf(config).objectStore,
    });
  } catch (error) {
    const reason = error instanceof TrackingError ? `${error.code}: ${error.message}` : String(error);
    throw new IngestStartupError('model-load-failed', `cannot load the ReID model ${tracker.reidModel} (${reason}); check ${REID_OPTION_KEYS.modelUri}`, { cause: error });
  }
}

/** `ingest-<instance id>` with characters Pulsar names do not like replaced. */
export function producerNameOf(configured: string | undefined, instanceId: string): string {
  return configured ?? `ingest-${instanceId}`.replace(/[^A-Za-z0-9._-]/g, '-');
}

/** What stopped the start: a model that cannot be loaded, or Pulsar that could not be provisioned. */
export type IngestStartupErrorCode = 'model-load-failed' | 'provisioning-failed';

export class IngestStartupError extends Error {
  readonly retriable: boolean;
  constructor(
    readonly code: IngestStartupErrorCode,
    message: string,
    options: { cause: unknown; retriable?: boolean },
  ) {
    super(message, { cause: options.cause });
    this.name = 'IngestStartupError';
    this.retriable = options.retriable ?? false;
  }
}

/** The topics ingest publishes to, with their partitions, schemas and the config keys that name them. */
export function topicPlansOf(config: IngestConfig): TopicPlan[] {
  return [
    {
      topic: config.topics.detections,
      partitions: config.provisioning.detectionsPartitions,
      record: DetectionEvent,
      topicKey: 'topics.detections (DETECTIONS_TOPIC)',
      partitionsKey: 'provisioning.detectionsPartitions (DETECTIONS_TOPIC_PARTITIONS)',
    },
    {
      topic: config.topics.trackEvents,
      partitions: config.provisioning.trackEventsPartitions,
      record: TrackEvent,
      topicKey: 'topics.trackEvents (TRACK_EVENTS_TOPIC)',
      partitionsKey: 'provisioning.trackEventsPartitions (TRACK_EVENTS_TOPIC_PARTITIONS)',
    },
  ];
}

/** The running pipeline, for the service's shutdown and for tests. */
export interface IngestPipeline {
  readonly metrics: IngestMetrics;
  readonly publishers: Readonly<Record<TopicLabel, TopicPublisher>>;
  /** The shared ReID extractor when `tracker.reidModel` is set (its `stats` count crops and time). */
  readonly reid: ReidOnnxExtractor | undefined;
  /** Resolves when every camera's frames have ended and their tracks were ended (the sources finished or were stopped). */
  readonly camerasDone: Promise<void>;
  /** Stops sources, ends tracks, flushes and closes producers and the client. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Builds and starts the pipeline inside a runtime service: one FrameSources for the cameras, one shared batching
 * Detector, a CameraTracker per camera, two producers (detections, track events) behind bounded publishers.
 * Readiness: model loaded, Pulsar connected, at least one camera delivering.
 */
export async function startIngestPipeline(context: ServiceContext<IngestConfig>): Promise<IngestPipeline> {
  const { config, readiness, onShutdown } = context;
  const log = context.componentLogger('pipeline');
  const metrics = new IngestMetrics(context.metrics);
  const modelFlag = readiness.flag('model', 'not ready: loading the model');
  const pulsarFlag = readiness.flag('pulsar', 'not ready: creating producers');
  let workers: CameraWorker[] = [];
  readiness.register('cameras', () => {
    const delivering = workers.filter((worker) => worker.deliveredAny).length;
    return { ok: delivering > 0, detail: `${delivering} of ${workers.length} camera(s) delivered frames` };
  });

  // Cameras are validated before anything starts, so a bad URI refuses startup without loading a model.
  const sources = new FrameSources(config.cameras, {
    maxSize: { width: config.frames.maxWidth, height: config.frames.maxHeight },
    queueCapacity: config.frames.queueCapacity,
    metrics: metrics.sourceHooks(),
  });

  let detector: Detector;
  try {
    detector = await Detector.load(detectorOptionsOf(config));
  } catch (error) {
    const reason = error instanceof DetectionError ? `${error.code}: ${error.message}` : String(error);
    throw new IngestStartupError('model-load-failed', `cannot load the detection model ${config.model.uri} (${reason}); check model.uri (MODEL_URI)`, { cause: error });
  }
  for (const note of detector.info.notes) log.warn({ note }, 'detector note');
  let reid: ReidOnnxExtractor | undefined;
  try {
    reid = await loadReidExtractor(config);
  } catch (error) {
    await detector.close();
    throw error;
  }
  if (reid !== undefined) log.info({ reid: reid.info }, 'appearance features from the ReID model');

  if (config.provisioning.enabled) {
    try {
      const report = await provisionTopics(new PulsarAdmin({ adminUrl: config.pulsar.adminUrl, ...(config.pulsar.authToken ? { token: config.pulsar.authToken } : {}) }), topicPlansOf(config));
      for (const topic of report.topics) if (topic.note !== undefined) log.warn({ topic: topic.topic }, topic.note);
      log.info({ provisioned: report }, 'pulsar topics provisioned');
    } catch (error) {
      await detector.close();
      await reid?.close();
      const retriable = error instanceof ProvisioningError && error.retriable;
      throw new IngestStartupError('provisioning-failed', `${(error as Error).message} (turn provisioning off with PULSAR_PROVISIONING=false when Pulsar is provisioned elsewhere)`, {
        cause: error,
        retriable,
      });
    }
  }
  modelFlag.ready(`${detector.info.modelName} ${detector.info.modelVersion}, batch ${detector.info.batchSize}${detector.info.dynamicBatch ? ' (dynamic)' : ''}`);

  const client = new PulsarClient({
    serviceUrl: config.pulsar.serviceUrl,
    ...(config.pulsar.authToken ? { authentication: { token: config.pulsar.authToken } } : {}),
    maxBackoffMs: config.publish.reconnectMaxBackoffMs,
    metricsRegistry: context.metrics,
    onWarning: (message, error) => log.warn({ err: error }, message),
  });
  const producerName = producerNameOf(config.publish.producerName, context.instanceId);
  const producerFor = (topic: string): Promise<Producer> =>
    client.createProducer({
      topic,
      producerName,
      batcher: 'keyBased',
      // Never time out: what waits for a broker that is away is resent (same sequence ids) once it is back.
      sendTimeoutMs: 0,
      maxPendingMessages: config.publish.maxPendingMessages,
      // The publisher never hands over more than maxPendingMessages; waiting is its buffer's job.
      blockIfQueueFull: false,
    });
  let producers: [Producer, Producer];
  try {
    producers = await Promise.all([producerFor(config.topics.detections), producerFor(config.topics.trackEvents)]);
  } catch (error) {
    await client.close().catch(() => undefined);
    await detector.close();
    await reid?.close();
    throw error;
  }
  const publisherOf = (label: TopicLabel, producer: Producer) =>
    new TopicPublisher(producer, {
      bufferCapacity: config.publish.bufferCapacity,
      maxInFlight: config.publish.maxPendingMessages,
      hooks: {
        published: (cameraId, latencyMs) => metrics.recordPublished(cameraId, label, latencyMs),
        dropped: (cameraId) => metrics.publishDropped.inc({ camera_id: cameraId, topic: label }),
        failed: (cameraId, error) => {
          metrics.publishFailed.inc({ camera_id: cameraId, topic: label });
          log.error({ err: error, cameraId, topic: label }, 'event lost: send failed');
        },
        bufferSize: (size) => metrics.publishBufferSize.set({ topic: label }, size),
      },
    });
  const publishers = { detections: publisherOf('detections', producers[0]), track_events: publisherOf('track_events', producers[1]) };
  pulsarFlag.ready(`producers ${producerName} on ${config.topics.detections} and ${config.topics.trackEvents}`);
  readiness.register('pulsar-acks', () => {
    const stalledMs = Math.max(publishers.detections.stalledMs(), publishers.track_events.stalledMs());
    return { ok: stalledMs < PULSAR_STALL_NOT_READY_MS, detail: stalledMs > 0 ? `oldest unacknowledged send waiting ${Math.round(stalledMs)} ms` : 'acknowledged' };
  });

  const detectionCodec = avroCodecOf(DetectionEvent);
  const trackCodec = avroCodecOf(TrackEvent);
  const batcher = new DetectionBatcher<VideoFrame>((frames) => detector.detect(frames), detector.info.batchSize, (frames, timings) => {
    metrics.batchSize.observe(frames.length);
    for (const frame of frames) {
      const labels = { camera_id: frame.cameraId };
      metrics.preprocessMs.observe(labels, timings.preprocessMs / frames.length);
      metrics.inferenceMs.observe(labels, timings.inferenceMs / frames.length);
      metrics.postprocessMs.observe(labels, timings.postprocessMs / frames.length);
    }
  });
  const { maxIouDistance, maxAge, nInit, maxCosineDistance, nnBudget } = config.tracker;
  const trackerOptions = { tracker: { maxIouDistance, maxAge, nInit, maxCosineDistance, nnBudget } };
  // One ReID session serves every camera; the histogram is cheap and stateless, one per tracker. Each camera's calls are timed.
  const extractorFor = (cameraId: string): FeatureExtractor => {
    const inner: FeatureExtractor = reid ?? new HsvHistogramExtractor();
    return {
      name: inner.name,
      featureLength: inner.featureLength,
      async extract(frame, boxes) {
        const start = performance.now();
        try {
          return await inner.extract(frame, boxes);
        } finally {
          metrics.appearanceMs.observe({ camera_id: cameraId }, performance.now() - start);
        }
      },
    };
  };
  const model = { name: config.model.name, version: config.model.version ?? detector.info.modelVersion };
  workers = config.cameras.map(
    (camera) =>
      new CameraWorker({
        cameraId: camera.cameraId,
        storeId: camera.storeId,
        frames: sources.byCamera.get(camera.cameraId)!,
        detect: (frame) => batcher.submit(frame),
        newTracker: () => new CameraTracker({ ...trackerOptions, extractor: extractorFor(camera.cameraId) }),
        model,
        includeUntracked: config.detection.publishUntracked,
        emitDetection: (event) => publishers.detections.publish(event.camera_id, detectionCodec.encode(event), Math.floor(event.frame_ts / 1000)),
        emitTrackEvent: (event) => publishers.track_events.publish(event.camera_id, trackCodec.encode(event), Math.floor(event.event_ts / 1000)),
        metrics,
        logger: log,
      }),
  );
  for (const source of sources.all) {
    source.on('failure', (error, { willRestart }) => log.warn({ cameraId: source.cameraId, code: error.code, willRestart, err: error }, 'camera failed'));
  }
  sources.startAll();
  const camerasDone = Promise.all(workers.map((worker) => worker.run())).then(() => undefined);
  log.info({ cameras: config.cameras.length, model: detector.info.modelName, batch: detector.info.batchSize, producerName }, 'ingest pipeline running');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await sources.stopAll();
      await camerasDone; // queued frames are processed, then every open track ends
      await Promise.all([publishers.detections.flush(), publishers.track_events.flush()]);
      await Promise.all([publishers.detections.close(), publishers.track_events.close()]);
      await client.close();
      await detector.close();
      await reid?.close();
    })());
  // SIGTERM: stop the cameras, end the tracks, flush the producers, close.
  onShutdown('ingest pipeline', stop);
  return { metrics, publishers, reid, camerasDone, stop };
}
