import { DetectionEvent, TrackEvent } from '@retail/schema';
import { configTypes, defineServiceConfig, pulsarConnectionSettings, s3Settings, setting } from '@retail/runtime';
import { z } from 'zod';
import {
  DEFAULT_CONFIDENCE_THRESHOLD,
  DEFAULT_EXECUTION_PROVIDERS,
  DEFAULT_INTRA_OP_THREADS,
  DEFAULT_IOU_THRESHOLD,
  DEFAULT_MAX_BATCH_SIZE,
  DEFAULT_MAX_DETECTIONS,
  DEFAULT_MODEL_CACHE_DIR,
  KNOWN_EXECUTION_PROVIDERS,
} from './detection';
import {
  DEFAULT_MAX_AGE,
  DEFAULT_MAX_COSINE_DISTANCE,
  DEFAULT_MAX_IOU_DISTANCE,
  DEFAULT_N_INIT,
  DEFAULT_NN_BUDGET,
  DEFAULT_REID_CHANNEL_ORDER,
  DEFAULT_REID_MAX_BATCH_SIZE,
  DEFAULT_REID_MEAN,
  DEFAULT_REID_STD,
} from './tracking';
import { DEFAULT_QUEUE_CAPACITY } from './sources';

/** Metrics and health port (Prometheus scrapes ingest here; see tools/stack). */
export const INGEST_HTTP_PORT = 9464;
/** Local detector model; MODEL_URI points elsewhere (a path, file:// or http(s):// URL). */
export const DEFAULT_MODEL_URI = 'models/yolov8n.onnx';
export { DEFAULT_CONFIDENCE_THRESHOLD };
/** Retail analytics follows shoppers; other COCO classes are dropped unless configured. */
export const DEFAULT_CLASS_FILTER = ['person'];
/** Frames per second read from a camera at most; more frames cost CPU without better counts. */
export const DEFAULT_FPS_LIMIT = 5;
/** DeepSORT's reference defaults (nwojke/deep_sort), as the tracking stage defines them. */
export const DEFAULT_TRACKER = {
  maxIouDistance: DEFAULT_MAX_IOU_DISTANCE,
  maxAge: DEFAULT_MAX_AGE,
  nInit: DEFAULT_N_INIT,
  maxCosineDistance: DEFAULT_MAX_COSINE_DISTANCE,
  nnBudget: DEFAULT_NN_BUDGET,
} as const;
/**
 * Box every decoded frame is scaled down to fit, keeping the camera's aspect ratio (1280×720 → 640×360): the
 * detector's input is 640×640 and it letterboxes, so larger frames would only cost conversion time, and a fixed size
 * would stretch the picture.
 */
export const DEFAULT_MAX_FRAME_SIZE = { width: 640, height: 640 } as const;
/**
 * Publish buffer in front of each producer (events, not bytes): about a minute of 10 cameras at 5 fps with a few
 * objects each. When the broker is away longer, the oldest events are dropped (and counted).
 */
export const DEFAULT_PUBLISH_BUFFER_CAPACITY = 20_000;
/** Messages handed to each producer and not yet acknowledged, at most (the producer's own bounded queue). */
export const DEFAULT_MAX_PENDING_MESSAGES = 1000;
/** Longest wait between reconnect attempts to the broker: an edge box should be back within seconds. */
export const DEFAULT_RECONNECT_MAX_BACKOFF_MS = 5000;

/** Partitions of the topics ingest creates at start (docs/topics-and-tables.md); 0 would mean non-partitioned. */
export const DEFAULT_DETECTIONS_PARTITIONS = 4;
export const DEFAULT_TRACK_EVENTS_PARTITIONS = 2;

/** Written into DetectionEvent.model_name unless MODEL_NAME says otherwise. */
export const DEFAULT_MODEL_NAME = 'yolov8n';

/** Video sources ingest can open. */
export const CAMERA_SOURCE_SCHEMES = ['file', 'rtsp', 'http', 'https', 'videotestsrc', 'images'] as const;
const SOURCE_PATTERN = new RegExp(`^(${CAMERA_SOURCE_SCHEMES.join('|')})://\\S+$`);
const SOURCE_HINT = `expected a source URI starting with ${CAMERA_SOURCE_SCHEMES.map((scheme) => `${scheme}://`).join(', ')}`;

const camera = z.object({
  cameraId: z.string().min(1),
  storeId: z.string().min(1),
  /** `file:///videos/a.mp4`, `rtsp://cam/stream`, `https://…`, `videotestsrc://`-style test patterns, `images:///dir/of/frames`. */
  source: z.string().regex(SOURCE_PATTERN, SOURCE_HINT),
  fpsLimit: z.number().positive().max(120).default(DEFAULT_FPS_LIMIT),
});

const cameras = z
  .array(camera)
  .default([])
  .superRefine((list, context) => {
    const firstIndex = new Map<string, number>();
    list.forEach((entry, index) => {
      const previous = firstIndex.get(entry.cameraId);
      if (previous === undefined) firstIndex.set(entry.cameraId, index);
      else context.addIssue({ code: 'custom', path: [index, 'cameraId'], input: entry.cameraId, message: `duplicate cameraId (also cameras[${previous}])` });
    });
  });

export const ingestConfigSchema = defineServiceConfig(
  { httpPort: INGEST_HTTP_PORT },
  {
    /** Cameras as a JSON list in CAMERAS, or a list in the config file. */
    cameras: setting(cameras, { env: 'CAMERAS' }),
    model: z.object({
      uri: setting(z.string().min(1).default(DEFAULT_MODEL_URI), { env: 'MODEL_URI' }),
      /** Name and version written into every DetectionEvent (the version defaults to the model's own metadata). */
      name: setting(z.string().min(1).default(DEFAULT_MODEL_NAME), { env: 'MODEL_NAME' }),
      version: setting(z.string().min(1).optional(), { env: 'MODEL_VERSION' }),
      /** Where models fetched from an object store or over HTTP are cached (by ETag). */
      cacheDir: setting(z.string().min(1).default(DEFAULT_MODEL_CACHE_DIR), { env: 'MODEL_CACHE_DIR' }),
      /** S3 settings for `s3://` model URIs. */
      objectStore: s3Settings(),
    }),
    detection: z.object({
      confidenceThreshold: setting(z.number().min(0).max(1).default(DEFAULT_CONFIDENCE_THRESHOLD), { env: 'DETECTION_CONFIDENCE_THRESHOLD' }),
      /** Class names to keep (COCO names, e.g. `person`); an empty list keeps every class. */
      classFilter: setting(z.array(z.string().min(1)).default(DEFAULT_CLASS_FILTER), { env: 'DETECTION_CLASS_FILTER' }),
      iouThreshold: setting(z.number().gt(0).max(1).default(DEFAULT_IOU_THRESHOLD), { env: 'DETECTION_IOU_THRESHOLD' }),
      maxDetections: setting(z.int().positive().default(DEFAULT_MAX_DETECTIONS), { env: 'DETECTION_MAX_DETECTIONS' }),
      /** 0 lets onnxruntime choose. */
      intraOpThreads: setting(z.int().min(0).default(DEFAULT_INTRA_OP_THREADS), { env: 'DETECTION_INTRA_OP_THREADS' }),
      executionProviders: setting(z.array(z.enum(KNOWN_EXECUTION_PROVIDERS)).min(1).default([...DEFAULT_EXECUTION_PROVIDERS]), {
        env: 'DETECTION_EXECUTION_PROVIDERS',
      }),
      fallbackToCpu: setting(z.boolean().default(true), { env: 'DETECTION_FALLBACK_TO_CPU' }),
      /** Frames (from any cameras) per inference call at most, when the model has a dynamic batch dimension. */
      maxBatchSize: setting(z.int().positive().default(DEFAULT_MAX_BATCH_SIZE), { env: 'DETECTION_MAX_BATCH_SIZE' }),
      /** Class names in id order, for models whose metadata has none. */
      classNames: setting(z.array(z.string().min(1)).min(1).optional(), { env: 'DETECTION_CLASS_NAMES' }),
      /** Also publish detections no confirmed track matched (with a null track_id). */
      publishUntracked: setting(z.boolean().default(false), { env: 'DETECTION_PUBLISH_UNTRACKED' }),
    }),
    frames: z.object({
      /** Frames are scaled down to fit maxWidth × maxHeight, aspect ratio kept (never scaled up, never stretched). */
      maxWidth: setting(z.int().positive().default(DEFAULT_MAX_FRAME_SIZE.width), { env: 'FRAME_MAX_WIDTH' }),
      maxHeight: setting(z.int().positive().default(DEFAULT_MAX_FRAME_SIZE.height), { env: 'FRAME_MAX_HEIGHT' }),
      /** Frames waiting per camera; live cameras drop the oldest beyond this. */
      queueCapacity: setting(z.int().positive().default(DEFAULT_QUEUE_CAPACITY), { env: 'FRAME_QUEUE_CAPACITY' }),
    }),
    tracker: z.object({
      maxIouDistance: setting(z.number().gt(0).max(1).default(DEFAULT_TRACKER.maxIouDistance), { env: 'TRACKER_MAX_IOU_DISTANCE' }),
      maxAge: setting(z.int().positive().default(DEFAULT_TRACKER.maxAge), { env: 'TRACKER_MAX_AGE' }),
      nInit: setting(z.int().positive().default(DEFAULT_TRACKER.nInit), { env: 'TRACKER_N_INIT' }),
      maxCosineDistance: setting(z.number().gt(0).max(2).default(DEFAULT_TRACKER.maxCosineDistance), { env: 'TRACKER_MAX_COSINE_DISTANCE' }),
      /** Appearance embeddings kept per track. */
      nnBudget: setting(z.int().positive().default(DEFAULT_TRACKER.nnBudget), { env: 'TRACKER_NN_BUDGET' }),
      /**
       * ReID ONNX model for appearance features (path, file://, s3://bucket/key or http(s)://, loaded like model.uri).
       * Absent: the built-in HSV colour histogram.
       */
      reidModel: setting(z.string().min(1).optional(), { env: 'REID_MODEL_URI' }),
      /** Per-channel normalisation of ReID crops, `(pixel / 255 − mean) / std`, in the model's channel order. */
      reidMean: setting(z.array(z.number()).length(3).default([...DEFAULT_REID_MEAN]), { env: 'REID_MEAN' }),
      reidStd: setting(z.array(z.number().positive()).length(3).default([...DEFAULT_REID_STD]), { env: 'REID_STD' }),
      reidChannelOrder: setting(z.enum(['rgb', 'bgr']).default(DEFAULT_REID_CHANNEL_ORDER), { env: 'REID_CHANNEL_ORDER' }),
      /** Crops per ReID run at most (dynamic-batch models); a frame's crops go together up to this. */
      reidMaxBatchSize: setting(z.int().positive().default(DEFAULT_REID_MAX_BATCH_SIZE), { env: 'REID_MAX_BATCH_SIZE' }),
    }),
    pulsar: pulsarConnectionSettings(),
    topics: z.object({
      detections: setting(configTypes.pulsarTopic().default(DetectionEvent.topic), { env: 'DETECTIONS_TOPIC' }),
      trackEvents: setting(configTypes.pulsarTopic().default(TrackEvent.topic), { env: 'TRACK_EVENTS_TOPIC' }),
    }),
    provisioning: z.object({
      /**
       * At start: create tenant, namespace and topics when missing, turn broker de-duplication on for the namespace and
       * register the events' AVRO schemas. Turn off when Pulsar is provisioned elsewhere (or the service may not).
       */
      enabled: setting(z.boolean().default(true), { env: 'PULSAR_PROVISIONING' }),
      /** Partitions of a created detections topic (an existing one is raised to this, never lowered); 0: non-partitioned. */
      detectionsPartitions: setting(z.int().min(0).default(DEFAULT_DETECTIONS_PARTITIONS), { env: 'DETECTIONS_TOPIC_PARTITIONS' }),
      trackEventsPartitions: setting(z.int().min(0).default(DEFAULT_TRACK_EVENTS_PARTITIONS), { env: 'TRACK_EVENTS_TOPIC_PARTITIONS' }),
    }),
    publish: z.object({
      /** Stable producer name (the broker de-duplicates resends by name and sequence id); default `ingest-<instance id>`. */
      producerName: setting(z.string().regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, ".", "_" or "-"').optional(), { env: 'INGEST_PRODUCER_NAME' }),
      bufferCapacity: setting(z.int().positive().default(DEFAULT_PUBLISH_BUFFER_CAPACITY), { env: 'PUBLISH_BUFFER_CAPACITY' }),
      maxPendingMessages: setting(z.int().positive().default(DEFAULT_MAX_PENDING_MESSAGES), { env: 'PUBLISH_MAX_PENDING_MESSAGES' }),
      reconnectMaxBackoffMs: setting(z.int().positive().default(DEFAULT_RECONNECT_MAX_BACKOFF_MS), { env: 'PUBLISH_RECONNECT_MAX_BACKOFF_MS' }),
    }),
  },
);

export type IngestConfig = z.output<typeof ingestConfigSchema>;
export type CameraConfig = IngestConfig['cameras'][number];
