import { Counter, Gauge, Histogram, type Registry } from '@retail/runtime';
import type { FrameSourceMetrics } from '../sources';

const MS_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];
const PUBLISH_MS_BUCKETS = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 5000, 15_000, 60_000];
const COUNT_BUCKETS = [0, 1, 2, 5, 10, 20, 50, 100];

export type TopicLabel = 'detections' | 'track_events';

/** The service's Prometheus series, per camera (label `camera_id`) unless said otherwise. */
export class IngestMetrics {
  readonly framesIn: Counter<'camera_id'>;
  readonly framesProcessed: Counter<'camera_id'>;
  readonly framesDropped: Counter<'camera_id' | 'reason'>;
  readonly frameErrors: Counter<'camera_id' | 'stage'>;
  readonly sourceRestarts: Counter<'camera_id'>;
  readonly queueDepth: Gauge<'camera_id'>;
  readonly sourceState: Gauge<'camera_id' | 'state'>;
  readonly preprocessMs: Histogram<'camera_id'>;
  readonly inferenceMs: Histogram<'camera_id'>;
  readonly postprocessMs: Histogram<'camera_id'>;
  readonly appearanceMs: Histogram<'camera_id'>;
  readonly batchSize: Histogram;
  readonly detectionsPerFrame: Histogram<'camera_id'>;
  readonly tracksPerFrame: Histogram<'camera_id'>;
  readonly eventsPublished: Counter<'camera_id' | 'topic'>;
  readonly publishLatencyMs: Histogram<'camera_id' | 'topic'>;
  readonly publishDropped: Counter<'camera_id' | 'topic'>;
  readonly publishFailed: Counter<'camera_id' | 'topic'>;
  readonly publishBufferSize: Gauge<'topic'>;
  /** Label-bound series per camera and topic: every acknowledged event touches two, prom-client would hash labels each time. */
  private readonly publishedSeries = new Map<string, { events: ReturnType<Counter<'camera_id' | 'topic'>['labels']>; latency: ReturnType<Histogram<'camera_id' | 'topic'>['labels']> }>();

  constructor(registry: Registry) {
    const registers = [registry];
    const camera = ['camera_id'] as const;
    this.framesIn = new Counter({ name: 'ingest_frames_in_total', help: 'Frames decoded from the camera (before the fps limit); rate() is fps in.', labelNames: camera, registers });
    this.framesProcessed = new Counter({ name: 'ingest_frames_processed_total', help: 'Frames through detection and tracking; rate() is fps out.', labelNames: camera, registers });
    this.framesDropped = new Counter({ name: 'ingest_frames_dropped_total', help: 'Frames dropped: queue-full (detector behind) or rate-limit (above fpsLimit).', labelNames: ['camera_id', 'reason'], registers });
    this.frameErrors = new Counter({ name: 'ingest_frame_errors_total', help: 'Frames that failed in a stage (detection, tracking, publish) and were skipped.', labelNames: ['camera_id', 'stage'], registers });
    this.sourceRestarts = new Counter({ name: 'ingest_source_restarts_total', help: 'Camera pipeline restarts.', labelNames: camera, registers });
    this.queueDepth = new Gauge({ name: 'ingest_frame_queue_depth', help: 'Frames waiting in the camera queue.', labelNames: camera, registers });
    this.sourceState = new Gauge({ name: 'ingest_source_state', help: '1 for the state the camera source is in.', labelNames: ['camera_id', 'state'], registers });
    this.preprocessMs = new Histogram({ name: 'ingest_preprocess_ms', help: 'Letterbox and tensor fill per frame (batch time / frames).', labelNames: camera, buckets: MS_BUCKETS, registers });
    this.inferenceMs = new Histogram({ name: 'ingest_inference_ms', help: 'Model inference per frame (batch time / frames).', labelNames: camera, buckets: MS_BUCKETS, registers });
    this.postprocessMs = new Histogram({ name: 'ingest_postprocess_ms', help: 'Decode and NMS per frame (batch time / frames).', labelNames: camera, buckets: MS_BUCKETS, registers });
    this.appearanceMs = new Histogram({
      name: 'ingest_appearance_ms',
      help: "Appearance features for a frame's detections (ReID model or colour histogram), including waiting for the shared ReID model.",
      labelNames: camera,
      buckets: MS_BUCKETS,
      registers,
    });
    this.batchSize = new Histogram({ name: 'ingest_detection_batch_frames', help: 'Frames per detector call (across cameras).', buckets: [1, 2, 3, 4, 6, 8, 12, 16, 32], registers });
    this.detectionsPerFrame = new Histogram({ name: 'ingest_detections_per_frame', help: 'Detections after thresholds, class filter and NMS.', labelNames: camera, buckets: COUNT_BUCKETS, registers });
    this.tracksPerFrame = new Histogram({ name: 'ingest_tracks_per_frame', help: 'Confirmed tracks matched on the frame.', labelNames: camera, buckets: COUNT_BUCKETS, registers });
    this.eventsPublished = new Counter({ name: 'ingest_events_published_total', help: 'Events acknowledged by the broker.', labelNames: ['camera_id', 'topic'], registers });
    this.publishLatencyMs = new Histogram({ name: 'ingest_publish_latency_ms', help: 'From handing an event to the publisher to the broker acknowledgement.', labelNames: ['camera_id', 'topic'], buckets: PUBLISH_MS_BUCKETS, registers });
    this.publishDropped = new Counter({ name: 'ingest_publish_dropped_total', help: 'Events dropped because the publish buffer was full (broker away too long).', labelNames: ['camera_id', 'topic'], registers });
    this.publishFailed = new Counter({ name: 'ingest_publish_failed_total', help: 'Events whose send failed for good.', labelNames: ['camera_id', 'topic'], registers });
    this.publishBufferSize = new Gauge({ name: 'ingest_publish_buffer_events', help: 'Events waiting in front of the producer.', labelNames: ['topic'], registers });
  }

  /** One event acknowledged by the broker `latencyMs` after it was handed to the publisher. */
  recordPublished(cameraId: string, topic: TopicLabel, latencyMs: number): void {
    const key = `${topic}\u0000${cameraId}`;
    let series = this.publishedSeries.get(key);
    if (series === undefined) {
      const labels = { camera_id: cameraId, topic };
      series = { events: this.eventsPublished.labels(labels), latency: this.publishLatencyMs.labels(labels) };
      this.publishedSeries.set(key, series);
    }
    series.events.inc();
    series.latency.observe(latencyMs);
  }

  /** The sources' callbacks mapped onto these series. */
  sourceHooks(): FrameSourceMetrics {
    return {
      framesIn: (cameraId) => this.framesIn.inc({ camera_id: cameraId }),
      framesDropped: (cameraId, reason) => this.framesDropped.inc({ camera_id: cameraId, reason }),
      restart: (cameraId) => this.sourceRestarts.inc({ camera_id: cameraId }),
      queueDepth: (cameraId, depth) => this.queueDepth.set({ camera_id: cameraId }, depth),
      state: (cameraId, state) => {
        for (const known of ['idle', 'starting', 'running', 'backoff', 'ended', 'failed', 'stopped']) this.sourceState.set({ camera_id: cameraId, state: known }, known === state ? 1 : 0);
      },
    };
  }
}
