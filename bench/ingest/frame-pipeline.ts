// One camera's frames through the service's own per-frame path, timed in CPU time by stage:
//
//   GDP bytes from GStreamer → GdpParser + packRgb (as GstPipelineProcess reads fd 3)
//   → DetectionBatcher → Detector (letterbox + tensor fill, onnxruntime inference, decode + NMS)
//   → CameraWorker: CameraTracker (HSV-histogram appearance, DeepSORT step) → detection/track events
//   → Avro encoding → TopicPublisher → Producer.send to the local stack's Pulsar broker, acknowledged.
//
// The frames are what the service receives from a 1280×720 H.264 camera file: the ingest pipeline
// (`buildPipelineArgs` with the service's default 640×640 box) runs once in gst-launch on a clip made
// here, and the GDP stream it writes on fd 3 is replayed from memory in 64 KiB reads, as the pipe
// delivers it (640×360 RGB frames). The model is the YOLOv8n compute proxy (YOLOv8n's FLOPs, random
// weights) with a crowd of `columns × rows` planted people, so decoding, tracking, events and
// publishing have ~50 objects a frame. Each frame's events are acknowledged before the next frame
// starts, so ack handling is counted with publishing and never runs inside the inference's time.
//
// CPU time (process.cpuUsage, every thread of this process) is steady while other processes share
// the cores. Non-inference = all CPU of the measured frames − inference; the stages are printed to
// show where it goes. The GStreamer child's decoding and scaling happen in another process: they are
// measured separately (printed, and counted in frames/s per core, not in the overhead ratio).

// The benchmark measures ingest's own stages, which no library exports: relative imports on purpose.
/* eslint-disable @nx/enforce-module-boundaries */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PulsarAdmin, PulsarClient, type Producer } from '@retail/pulsar';
import { Registry } from '@retail/runtime';
import { avroCodecOf, DetectionEvent, TrackEvent } from '@retail/schema';
import { stackContext, stackEndpoints, up } from '@retail/stack';
import pino from 'pino';
import { DEFAULT_MAX_FRAME_SIZE, DEFAULT_MAX_PENDING_MESSAGES, DEFAULT_PUBLISH_BUFFER_CAPACITY } from '../../apps/ingest/src/config';
import { Detector } from '../../apps/ingest/src/detection/detector';
import type { DetectedObject } from '../../apps/ingest/src/detection/types';
import { buildComputeProxyYolov8 } from '../../apps/ingest/src/models/compute-proxy-yolov8';
import { CameraWorker } from '../../apps/ingest/src/pipeline/camera-worker';
import { DetectionBatcher } from '../../apps/ingest/src/pipeline/detection-batcher';
import { IngestMetrics, type TopicLabel } from '../../apps/ingest/src/pipeline/ingest-metrics';
import { TopicPublisher } from '../../apps/ingest/src/publish/topic-publisher';
import { GdpParser } from '../../apps/ingest/src/sources/gdp-parser';
import { buildPipelineArgs, FRAME_FD } from '../../apps/ingest/src/sources/pipeline';
import { packRgb, parseRgbCaps, type RawVideoFormat } from '../../apps/ingest/src/sources/raw-video';
import { parseSourceUri } from '../../apps/ingest/src/sources/source-uri';
import type { VideoFrame } from '../../apps/ingest/src/sources/frame-source';
import { CameraTracker } from '../../apps/ingest/src/tracking/camera-tracker';
import { HsvHistogramExtractor } from '../../apps/ingest/src/tracking/appearance/hsv-histogram-extractor';
import { cpuClockMs, mainThreadCpuMs } from './args';

const CAMERA = { width: 1280, height: 720, fps: 10 } as const;
/** Bytes a pipe read hands over at most (Linux pipe buffer, Node's read size). */
const PIPE_READ_BYTES = 64 * 1024;
const CAMERA_ID = 'bench-cam';
/** Where a 640×360 frame sits in the 640×640 letterbox: the crowd stands inside it. */
const FRAME_BAND = { top: 140, bottom: 500 } as const;

/**
 * Frames run before timing starts: the service's steady state, not its first seconds. The tracker's per-track
 * appearance galleries fill up to the DeepSORT budget (100 embeddings) over the first 100 frames, and the nearest-
 * neighbour search grows with them; V8 is still optimising functions that run once a frame for dozens of frames
 * (after 10 warm-up frames a third of all optimising compiles, ~2 ms a frame on background threads, fell inside the
 * timed frames, while the tracker was cheaper than it stays). 120 frames is 12 s of a 10 fps camera.
 */
export const DEFAULT_WARMUP_FRAMES = 120;

export interface FramePipelineBenchOptions {
  /** Frames timed (after the warm-up). */
  frames: number;
  /** Frames run first and not timed (DEFAULT_WARMUP_FRAMES). */
  warmupFrames: number;
  /** onnxruntime intra-op threads. */
  threads: number;
  /** Planted people per frame: columns × rows. */
  columns: number;
  rows: number;
}

/** CPU milliseconds per stage, summed over the timed frames. */
interface StageTotals {
  source: number;
  preprocess: number;
  inference: number;
  postprocess: number;
  appearance: number;
  /** CameraTracker.track minus appearance: DeepSORT's predict/match/update and the lifecycle bookkeeping. */
  tracker: number;
  encode: number;
  /** TopicPublisher.publish → Producer.send, synchronous part. */
  publish: number;
  /** Waiting for the frame's acknowledgements: batching, framing, socket writes, ack handling. */
  acknowledge: number;
  /** The main thread's part of `acknowledge` (the client's own work); the rest is other threads running meanwhile. */
  acknowledgeMainThread: number;
  /** Everything the process did for the timed frames. */
  total: number;
  /** The main thread's part of `total`. */
  mainThread: number;
}

export interface FramePipelineBenchResult {
  /** Non-inference CPU per frame ÷ inference CPU per frame (this process). */
  overheadRatio: number;
  /** 1000 ÷ CPU ms per frame of this process and the GStreamer child together. */
  framesPerSecondPerCore: number;
  detectionsPerFrame: number;
  msPerFrame: Record<keyof StageTotals | 'gstreamerChild' | 'nonInference' | 'other', number>;
}

function emptyTotals(): StageTotals {
  return { source: 0, preprocess: 0, inference: 0, postprocess: 0, appearance: 0, tracker: 0, encode: 0, publish: 0, acknowledge: 0, acknowledgeMainThread: 0, total: 0, mainThread: 0 };
}

/** Runs `command` in bash and returns the CPU seconds its children used (bash's `times`). */
function childCpuMs(script: string, args: readonly string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `${script}\ntimes`, 'bash', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      // `times`: the shell's user/system, then its children's, as `XmYs` pairs.
      const childrenLine = stdout.trim().split('\n').at(-1) ?? '';
      const seconds = [...childrenLine.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, match) => sum + Number(match[1]) * 60 + Number(match[2]), 0);
      if (code === 0) resolve(seconds * 1000);
      else reject(new Error(`bash ${script} exited with ${code}: ${stderr.slice(-2000)}`));
    });
  });
}

/** A 1280×720 H.264 clip, then the ingest pipeline's GDP output for it (bytes on fd 3) and the child's CPU per frame. */
async function captureGdpStream(dir: string, frames: number): Promise<{ gdp: Uint8Array; childCpuMsPerFrame: number }> {
  const clip = path.join(dir, 'camera.mp4');
  const gdpFile = path.join(dir, 'frames.gdp');
  await childCpuMs('gst-launch-1.0 -q "$@"', [
    'videotestsrc', 'pattern=smpte', `num-buffers=${frames}`, '!',
    `video/x-raw,format=I420,width=${CAMERA.width},height=${CAMERA.height},framerate=${CAMERA.fps}/1`, '!',
    'openh264enc', '!', 'h264parse', '!', 'mp4mux', '!', 'filesink', `location=${clip}`,
  ], {});
  const args = buildPipelineArgs(parseSourceUri(`file://${clip}`), { fpsLimit: CAMERA.fps, maxSize: DEFAULT_MAX_FRAME_SIZE });
  const cpuMs = await childCpuMs(`gst-launch-1.0 -q "$@" ${FRAME_FD}>"$GDP_FILE"`, args, { GDP_FILE: gdpFile });
  return { gdp: new Uint8Array(readFileSync(gdpFile)), childCpuMsPerFrame: cpuMs / frames };
}

/** Replays a GDP stream as pipe reads through the parser, turning buffers into VideoFrames as the source does; loops. */
class GdpReplay {
  private parser = new GdpParser();
  private format: RawVideoFormat | undefined;
  private offset = 0;
  private seq = 0;
  private readonly pending: VideoFrame[] = [];

  constructor(private readonly stream: Uint8Array) {}

  next(): VideoFrame {
    while (this.pending.length === 0) {
      if (this.offset >= this.stream.length) {
        this.parser = new GdpParser(); // the next pipeline run starts with caps again
        this.offset = 0;
      }
      const chunk = this.stream.subarray(this.offset, this.offset + PIPE_READ_BYTES);
      this.offset += chunk.length;
      for (const packet of this.parser.push(chunk)) {
        if (packet.type === 'caps') this.format = parseRgbCaps(packet.caps);
        else if (packet.type === 'buffer') {
          if (this.format === undefined) throw new Error('frame before caps');
          const { width, height } = this.format;
          const seq = this.seq++;
          // Frame times keep growing across loops, as a camera's would.
          const ptsNs = (seq * 1e9) / CAMERA.fps;
          this.pending.push({ cameraId: CAMERA_ID, seq, ptsNs, eventTimeUs: 1.7e15 + ptsNs / 1000, width, height, rgb: packRgb(packet.payload, this.format) });
        }
      }
    }
    return this.pending.shift()!;
  }
}

async function ensurePulsar(adminUrl: string): Promise<void> {
  const healthy = await fetch(`${adminUrl}/admin/v2/brokers/health`).then((response) => response.ok, () => false);
  if (!healthy) {
    console.log("bringing up the stack's Pulsar broker");
    await up(stackContext(), ['pulsar']);
  }
}

/** Times the service's per-frame path; prints the stages and returns the figures. */
export async function runFramePipelineBench(options: FramePipelineBenchOptions): Promise<FramePipelineBenchResult> {
  const endpoints = stackEndpoints();
  await ensurePulsar(endpoints.pulsarAdminUrl);
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-ingest-frames-'));
  const admin = new PulsarAdmin({ adminUrl: endpoints.pulsarAdminUrl });
  const client = new PulsarClient({ serviceUrl: endpoints.pulsarServiceUrl });
  const topics = { detections: `persistent://public/default/bench-ingest-detections-${randomUUID().slice(0, 8)}`, track_events: `persistent://public/default/bench-ingest-tracks-${randomUUID().slice(0, 8)}` };
  let detector: Detector | undefined;
  try {
    const { gdp, childCpuMsPerFrame } = await captureGdpStream(dir, 40);
    const crowd = { columns: options.columns, rows: options.rows, ...FRAME_BAND };
    const modelPath = path.join(dir, 'yolov8n-compute-proxy.onnx');
    writeFileSync(modelPath, buildComputeProxyYolov8(1, crowd).bytes);
    // The service's detector settings (person filter, thresholds) with CPU-time stage timings.
    detector = await Detector.load({ modelUri: modelPath, intraOpThreads: options.threads, maxBatchSize: 1, classFilter: ['person'], modelCacheDir: dir }, { stageClockMs: cpuClockMs });
    const metrics = new IngestMetrics(new Registry());

    // Producers and publishers as the service makes them.
    const producerFor = (topic: string): Promise<Producer> =>
      client.createProducer({ topic, producerName: `bench-ingest-${randomUUID().slice(0, 8)}`, batcher: 'keyBased', sendTimeoutMs: 0, maxPendingMessages: DEFAULT_MAX_PENDING_MESSAGES, blockIfQueueFull: false });
    const publisherOf = async (label: TopicLabel) =>
      new TopicPublisher(await producerFor(topics[label]), {
        bufferCapacity: DEFAULT_PUBLISH_BUFFER_CAPACITY,
        maxInFlight: DEFAULT_MAX_PENDING_MESSAGES,
        hooks: {
          published: (cameraId, latencyMs) => metrics.recordPublished(cameraId, label, latencyMs),
          failed: () => (sendFailures += 1),
          bufferSize: (size) => metrics.publishBufferSize.set({ topic: label }, size),
        },
      });
    const publishers = { detections: await publisherOf('detections'), track_events: await publisherOf('track_events') };
    const detectionCodec = avroCodecOf(DetectionEvent);
    const trackCodec = avroCodecOf(TrackEvent);

    let sendFailures = 0;
    const pendingDetections: DetectionEvent[] = [];
    const pendingTrackEvents: TrackEvent[] = [];
    /** Encodes and publishes the frame's events as the service's emit callbacks do. */
    const publishPending = () => {
      let start = cpuClockMs();
      const encoded = pendingDetections.map((event) => detectionCodec.encode(event));
      const encodedTracks = pendingTrackEvents.map((event) => trackCodec.encode(event));
      let now = cpuClockMs();
      totals.encode += now - start;
      start = now;
      pendingDetections.forEach((event, i) => publishers.detections.publish(event.camera_id, encoded[i]!, Math.floor(event.frame_ts / 1000)));
      pendingTrackEvents.forEach((event, i) => publishers.track_events.publish(event.camera_id, encodedTracks[i]!, Math.floor(event.event_ts / 1000)));
      now = cpuClockMs();
      totals.publish += now - start;
      pendingDetections.length = 0;
      pendingTrackEvents.length = 0;
    };
    let totals = emptyTotals();
    let measured: StageTotals | undefined;
    let timing = false;
    let detections = 0;
    const timed = <T>(stage: keyof StageTotals, work: () => T): T => {
      const start = cpuClockMs();
      const result = work();
      totals[stage] += cpuClockMs() - start;
      return result;
    };
    const batcher = new DetectionBatcher((frames: readonly VideoFrame[]) => detector!.detect(frames), 1, (frames, timings) => {
      totals.preprocess += timings.preprocessMs;
      totals.inference += timings.inferenceMs;
      totals.postprocess += timings.postprocessMs;
      metrics.batchSize.observe(frames.length);
      for (const frame of frames) {
        metrics.preprocessMs.observe({ camera_id: frame.cameraId }, timings.preprocessMs);
        metrics.inferenceMs.observe({ camera_id: frame.cameraId }, timings.inferenceMs);
        metrics.postprocessMs.observe({ camera_id: frame.cameraId }, timings.postprocessMs);
      }
    });
    const histogram = new HsvHistogramExtractor();
    const extractor = {
      name: histogram.name,
      featureLength: histogram.featureLength,
      async extract(...args: Parameters<HsvHistogramExtractor['extract']>) {
        const start = cpuClockMs();
        try {
          return await histogram.extract(...args);
        } finally {
          const used = cpuClockMs() - start;
          totals.appearance += used;
          totals.tracker -= used; // counted inside the tracker's time below
          metrics.appearanceMs.observe({ camera_id: CAMERA_ID }, used);
        }
      },
    };
    const newTracker = () => {
      const tracker = new CameraTracker({ extractor });
      const track = tracker.track.bind(tracker);
      tracker.track = async (frame, frameDetections) => {
        const start = cpuClockMs();
        try {
          return await track(frame, frameDetections);
        } finally {
          totals.tracker += cpuClockMs() - start;
        }
      };
      return tracker;
    };

    const replay = new GdpReplay(gdp);
    let measuredStart = 0;
    let measuredEnd = 0;
    let measuredStartMain = 0;
    let measuredEndMain = 0;
    const totalFrames = options.warmupFrames + options.frames;
    async function* frames(): AsyncGenerator<VideoFrame> {
      for (let index = 0; index <= totalFrames; index++) {
        publishPending();
        // The previous frame's events are acknowledged before the next frame starts.
        const start = cpuClockMs();
        const startMain = mainThreadCpuMs() ?? 0;
        await Promise.all([publishers.detections.flush(), publishers.track_events.flush()]);
        totals.acknowledgeMainThread += (mainThreadCpuMs() ?? 0) - startMain;
        totals.acknowledge += cpuClockMs() - start;
        if (index === options.warmupFrames) {
          totals = emptyTotals();
          detections = 0;
          timing = true;
          measuredStart = cpuClockMs();
          measuredStartMain = mainThreadCpuMs() ?? 0;
        }
        if (index === totalFrames) {
          measuredEnd = cpuClockMs();
          measuredEndMain = mainThreadCpuMs() ?? 0;
          measured = { ...totals }; // the tracks ended after the last frame are not part of it
          return;
        }
        yield timed('source', () => replay.next());
      }
    }

    const worker = new CameraWorker({
      cameraId: CAMERA_ID,
      storeId: 'bench-store',
      frames: frames(),
      detect: async (frame): Promise<DetectedObject[]> => {
        const found = await batcher.submit(frame);
        detections += found.length;
        return found;
      },
      newTracker,
      model: { name: 'yolov8n', version: 'compute-proxy' },
      includeUntracked: false,
      // Events are collected and encoded + published together before the frame's acknowledgements are awaited: the
      // same work as one by one, timed with two clock reads per frame instead of four per event (reading the CPU clock
      // costs ~10 µs, which would inflate the figures it measures).
      emitDetection: (event) => pendingDetections.push(event),
      emitTrackEvent: (event) => pendingTrackEvents.push(event),
      metrics,
      logger: pino({ level: 'silent' }),
    });
    await worker.run();
    if (!timing || measured === undefined) throw new Error('the timed frames did not run');
    if (sendFailures > 0) throw new Error(`${sendFailures} send(s) failed; the figures would be wrong`);
    const stages: StageTotals = { ...measured, total: measuredEnd - measuredStart, mainThread: measuredEndMain - measuredStartMain };
    const errors = (await metrics.frameErrors.get()).values.reduce((sum, value) => sum + value.value, 0);
    if (errors > 0) throw new Error(`${errors} frame(s) failed in the worker; the figures would be wrong`);

    const frameCount = options.frames;
    const perFrame = (ms: number) => ms / frameCount;
    const nonInference = stages.total - stages.inference;
    const named = stages.source + stages.preprocess + stages.postprocess + stages.appearance + stages.tracker + stages.encode + stages.publish + stages.acknowledge;
    const threadSplit = mainThreadCpuMs() !== undefined;
    const other = nonInference - named;
    const msPerFrame = {
      ...Object.fromEntries(Object.entries(stages).map(([stage, ms]) => [stage, perFrame(ms)])),
      gstreamerChild: childCpuMsPerFrame,
      nonInference: perFrame(nonInference),
      other: perFrame(other),
    } as FramePipelineBenchResult['msPerFrame'];
    const result: FramePipelineBenchResult = {
      overheadRatio: nonInference / stages.inference,
      framesPerSecondPerCore: 1000 / (msPerFrame.total + childCpuMsPerFrame),
      detectionsPerFrame: detections / frameCount,
      msPerFrame,
    };
    const frame = replay.next();
    const row = (label: string, ms: number, note = '') => console.log(`  ${label.padEnd(34)} ${ms.toFixed(3).padStart(8)} ms${note}`);
    console.log(
      `service frame path: ${CAMERA.width}×${CAMERA.height} H.264 camera → ${frame.width}×${frame.height} RGB frames, ${result.detectionsPerFrame.toFixed(1)} people/frame, ` +
        `batch 1, ${options.threads} intra-op thread(s), ${frameCount} frames timed after ${options.warmupFrames}; CPU time per frame:`,
    );
    row('GDP parse + copy (fd 3 reads)', msPerFrame.source);
    row('letterbox + tensor fill', msPerFrame.preprocess);
    row('inference (compute proxy)', msPerFrame.inference);
    row('decode + NMS', msPerFrame.postprocess);
    row('appearance (HSV histograms)', msPerFrame.appearance);
    row('DeepSORT step + lifecycle', msPerFrame.tracker);
    row('Avro encoding', msPerFrame.encode);
    row('publish (to Producer.send)', msPerFrame.publish);
    row(
      'send + acknowledgements',
      msPerFrame.acknowledge,
      threadSplit ? `: main thread ${msPerFrame.acknowledgeMainThread.toFixed(3)} ms (client: batch, socket, receipts), the rest other threads while it waits` : '',
    );
    row('rest (worker, events, metrics, GC)', msPerFrame.other);
    row('non-inference total', msPerFrame.nonInference);
    row('this process, total', msPerFrame.total, threadSplit ? `: main thread ${msPerFrame.mainThread.toFixed(3)} ms, other threads (V8 compiler, GC) ${(msPerFrame.total - msPerFrame.mainThread).toFixed(3)} ms` : '');
    row('GStreamer child (other process)', childCpuMsPerFrame, ': decode H.264 1280×720, scale, RGB, gdppay');
    console.log(`  non-inference ÷ inference = ${result.overheadRatio.toFixed(3)} (target ≤ 0.10: ${result.overheadRatio <= 0.1 ? 'met' : 'NOT met'})`);
    console.log(`  frames/s per core: ${result.framesPerSecondPerCore.toFixed(2)} (this process and the GStreamer child; ${(1000 / msPerFrame.total).toFixed(2)} without the child)`);
    return result;
  } finally {
    await detector?.close();
    await client.close().catch(() => undefined);
    for (const topic of Object.values(topics)) await admin.deleteTopic(topic, true).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run directly (not imported by bench/ingest/main.ts): npx tsx bench/ingest/frame-pipeline.ts [--frames 60] …
if (require.main === module) {
  void import('./args').then(({ argument }) =>
    runFramePipelineBench({ frames: argument('frames', 60), warmupFrames: argument('warmup', DEFAULT_WARMUP_FRAMES), threads: argument('threads', 1), columns: argument('columns', 10), rows: argument('rows', 5) }),
  ).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
