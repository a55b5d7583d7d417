import { EventEmitter } from 'node:events';
import { access } from 'node:fs/promises';
import { backoffDelayMs, DEFAULT_BACKOFF, validateBackoff, type BackoffPolicy } from './backoff';
import { SourceError } from './errors';
import { EventTimeClock, systemWallClockUs } from './event-time';
import { FrameQueue, type OverflowPolicy } from './frame-queue';
import { DEFAULT_GST_LAUNCH, GstPipelineProcess, type DecodedFrame, type PipelineExit } from './gst-process';
import { linkImageFolder } from './image-folder';
import { buildPipelineArgs, describePipeline, type FrameSize, type ImageRun } from './pipeline';
import { PtsRateLimiter } from './rate-limiter';
import { RateMeter } from './rate-meter';
import { parseSourceUri, redactUri, type SourceSpec } from './source-uri';

/** One decoded frame, ready for the detector. */
export interface VideoFrame {
  cameraId: string;
  /** Per camera, from 0, one per frame that passed the rate limit; continues across restarts. Gaps seen by the consumer are queue drops. */
  seq: number;
  /** Presentation time in the source's stream, ns (restarts from about 0 when a live pipeline restarts). */
  ptsNs: number;
  /** When the frame was captured, µs since the Unix epoch (see EventTimeClock). */
  eventTimeUs: number;
  width: number;
  height: number;
  /** Tightly packed RGB24, width × height × 3 bytes, rows top to bottom. */
  rgb: Uint8Array;
}

export type FrameSourceState = 'idle' | 'starting' | 'running' | 'backoff' | 'ended' | 'failed' | 'stopped';

/** Plain callbacks for metrics (the service maps them onto prom-client); every one is optional. */
export interface FrameSourceMetrics {
  /** Frames decoded by GStreamer and read by us (before our rate limit). */
  framesIn?(cameraId: string): void;
  /** Frames handed to the consumer. */
  framesOut?(cameraId: string): void;
  /** `queue-full`: the consumer fell behind and the oldest frame was dropped; `rate-limit`: above fpsLimit. */
  framesDropped?(cameraId: string, reason: 'queue-full' | 'rate-limit'): void;
  /** A restart was scheduled after `error` (a live stream that ended cleanly has no error). */
  restart?(cameraId: string, error: SourceError | undefined): void;
  queueDepth?(cameraId: string, depth: number): void;
  state?(cameraId: string, state: FrameSourceState): void;
}

export interface RestartPolicy extends BackoffPolicy {
  /** Consecutive failed starts before the camera is given up (`failed`); a frame resets the count. */
  maxAttempts: number;
}

export interface FrameSourceOptions {
  cameraId: string;
  /** Camera source URI (see parseSourceUri). */
  source: string;
  /** Frames per second at most. */
  fpsLimit: number;
  /** Scale frames down to fit inside this box, keeping the aspect ratio (square pixels); omitted keeps the camera's size. */
  maxSize?: FrameSize;
  /** Frames waiting for the consumer at most. */
  queueCapacity?: number;
  /** Default: `drop-oldest` for live sources, `block` (lossless, the file waits) for files and image folders. */
  overflow?: OverflowPolicy;
  /** Replay a file at its own pace, like a camera, instead of as fast as it is consumed. */
  realtime?: boolean;
  /** Event time of PTS 0 for files and image folders (µs since the epoch); default: the wall-clock at `start()`. */
  startTimeUs?: number;
  restart?: Partial<RestartPolicy>;
  /** How long a stopping pipeline may take to shut down after SIGINT before it is killed. */
  stopTimeoutMs?: number;
  /**
   * A pipeline that delivers no frame for this long (counting from its start, so connecting is included; not counting
   * time spent waiting for the consumer) is stopped: restarted if live, failed if recorded. Catches frozen cameras and
   * GStreamer hanging without an error (seen on truncated MP4s: ~1 run in 25 never posts its error).
   */
  stallTimeoutMs?: number;
  /** The gst-launch-1.0 executable. */
  gstLaunch?: string;
  metrics?: FrameSourceMetrics;
  /** Injected for tests. */
  wallClockUs?: () => number;
  random?: () => number;
}

export const DEFAULT_QUEUE_CAPACITY = 4;
export const DEFAULT_STOP_TIMEOUT_MS = 5000;
/** Above decodebin's ~10 s wait before the first frame of an HTTP MJPEG stream with format=auto. */
export const DEFAULT_STALL_TIMEOUT_MS = 20_000;
export const DEFAULT_RESTART: RestartPolicy = { ...DEFAULT_BACKOFF, maxAttempts: Number.POSITIVE_INFINITY };

export interface FrameSourceStats {
  state: FrameSourceState;
  framesIn: number;
  framesOut: number;
  droppedQueueFull: number;
  droppedRateLimit: number;
  restarts: number;
  queueDepth: number;
  /** Frames per second over the last few seconds of wall-clock. */
  fpsIn: number;
  fpsOut: number;
  lastError?: SourceError;
}

interface FrameSourceEvents {
  state: [FrameSourceState];
  /** A pipeline failed; `willRestart` says whether the camera tries again. Never named 'error', so it cannot throw. */
  failure: [SourceError, { willRestart: boolean }];
  restart: [{ attempt: number; delayMs: number }];
}

/** One segment of work for a pipeline: the argv plus a PTS offset (image folders continue time across runs). */
interface Segment {
  args: string[];
  ptsOffsetNs: number;
}

/**
 * One camera: runs its GStreamer pipeline in a child process, restarts it with capped exponential backoff when a live
 * source fails or ends, and queues frames for one consumer (`next()` or `for await`).
 * Errors stay with this camera: they are reported through `failure` events and `stats().lastError`, never thrown
 * into the caller's event loop.
 */
export class FrameSource extends EventEmitter<FrameSourceEvents> {
  readonly cameraId: string;
  readonly spec: SourceSpec;
  private readonly options: Required<Pick<FrameSourceOptions, 'fpsLimit' | 'stopTimeoutMs' | 'stallTimeoutMs' | 'gstLaunch' | 'realtime'>> &
    Pick<FrameSourceOptions, 'maxSize' | 'metrics' | 'startTimeUs'>;
  private readonly restartPolicy: RestartPolicy;
  private readonly wallClockUs: () => number;
  private readonly random: () => number;
  private readonly queue: FrameQueue<VideoFrame>;
  private readonly rateLimiter: PtsRateLimiter;
  private eventTime: EventTimeClock | undefined;
  private readonly meterIn: RateMeter;
  private readonly meterOut: RateMeter;
  private currentState: FrameSourceState = 'idle';
  private process: GstPipelineProcess | undefined;
  private stopRequested = false;
  private wakeBackoff: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private nextSeq = 0;
  private framesIn = 0;
  private droppedRateLimit = 0;
  private restarts = 0;
  private lastError: SourceError | undefined;

  constructor(options: FrameSourceOptions) {
    super();
    this.cameraId = options.cameraId;
    const where = `camera ${options.cameraId}`;
    try {
      this.spec = parseSourceUri(options.source);
    } catch (error) {
      if (error instanceof SourceError) throw new SourceError(error.code, `${where}: ${error.message}`);
      throw error;
    }
    if (!(options.fpsLimit > 0)) throw invalidOption(where, 'fpsLimit', `must be above 0, got ${options.fpsLimit}`);
    if (options.maxSize) {
      for (const key of ['width', 'height'] as const) {
        const value = options.maxSize[key];
        if (!Number.isInteger(value) || value < 1) throw invalidOption(where, `maxSize.${key}`, `must be a whole number >= 1, got ${value}`);
      }
    }
    const capacity = options.queueCapacity ?? DEFAULT_QUEUE_CAPACITY;
    if (!Number.isInteger(capacity) || capacity < 1) throw invalidOption(where, 'queueCapacity', `must be a whole number >= 1, got ${capacity}`);
    this.restartPolicy = { ...DEFAULT_RESTART, ...options.restart };
    const backoffProblem = validateBackoff(this.restartPolicy);
    if (backoffProblem) throw invalidOption(where, backoffProblem.split(' ')[0]!, backoffProblem.slice(backoffProblem.indexOf(' ') + 1));
    if (!(this.restartPolicy.maxAttempts >= 0)) throw invalidOption(where, 'restart.maxAttempts', `must be 0 or more, got ${this.restartPolicy.maxAttempts}`);
    const stopTimeoutMs = options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
    if (!(stopTimeoutMs > 0)) throw invalidOption(where, 'stopTimeoutMs', `must be above 0, got ${stopTimeoutMs}`);
    const stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
    if (!(stallTimeoutMs > 0)) throw invalidOption(where, 'stallTimeoutMs', `must be above 0, got ${stallTimeoutMs}`);

    this.options = {
      fpsLimit: options.fpsLimit,
      stopTimeoutMs,
      stallTimeoutMs,
      gstLaunch: options.gstLaunch ?? DEFAULT_GST_LAUNCH,
      realtime: options.realtime ?? false,
      maxSize: options.maxSize,
      metrics: options.metrics,
      startTimeUs: options.startTimeUs,
    };
    this.wallClockUs = options.wallClockUs ?? systemWallClockUs;
    this.random = options.random ?? Math.random;
    this.rateLimiter = new PtsRateLimiter(options.fpsLimit);
    const nowMs = () => this.wallClockUs() / 1000;
    this.meterIn = new RateMeter(nowMs);
    this.meterOut = new RateMeter(nowMs);
    const metrics = options.metrics;
    this.queue = new FrameQueue<VideoFrame>(capacity, options.overflow ?? (this.spec.live ? 'drop-oldest' : 'block'), {
      onDrop: () => metrics?.framesDropped?.(this.cameraId, 'queue-full'),
      onSpace: () => this.process?.resume(),
      onDepth: (depth) => metrics?.queueDepth?.(this.cameraId, depth),
    });
  }

  get state(): FrameSourceState {
    return this.currentState;
  }

  /** Starts reading the camera; failures are reported as events, never thrown. */
  start(): void {
    if (this.loop) return;
    this.eventTime =
      this.spec.live
        ? new EventTimeClock({ kind: 'live' }, this.wallClockUs)
        : new EventTimeClock({ kind: 'recorded', startTimeUs: this.options.startTimeUs ?? this.wallClockUs() }, this.wallClockUs);
    this.loop = this.supervise();
  }

  /** Ends the pipeline (SIGINT → EOS, then SIGKILL after stopTimeoutMs). Queued frames stay readable, then `next()` gives undefined. */
  async stop(): Promise<void> {
    this.stopRequested = true;
    this.wakeBackoff?.();
    await this.process?.stop(this.options.stopTimeoutMs);
    await this.loop;
    this.queue.close();
    if (!this.loop) this.setState('stopped');
  }

  /** The oldest queued frame, waiting for one; undefined when the source has ended, failed or stopped and is drained. */
  next(): Promise<VideoFrame | undefined> {
    return this.queue.next().then((frame) => {
      if (frame) {
        this.meterOut.record();
        this.options.metrics?.framesOut?.(this.cameraId);
      }
      return frame;
    });
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<VideoFrame> {
    for (let frame = await this.next(); frame !== undefined; frame = await this.next()) yield frame;
  }

  stats(): FrameSourceStats {
    const queue = this.queue.stats();
    return {
      state: this.currentState,
      framesIn: this.framesIn,
      framesOut: queue.out,
      droppedQueueFull: queue.dropped,
      droppedRateLimit: this.droppedRateLimit,
      restarts: this.restarts,
      queueDepth: this.queue.depth,
      fpsIn: this.meterIn.perSecond(),
      fpsOut: this.meterOut.perSecond(),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** The pipeline that will run (for logs; credentials in URLs are masked). */
  describe(): string {
    const args = this.spec.kind === 'images' ? buildPipelineArgs(this.spec, this.options, exampleImageRun(this.options.fpsLimit)) : buildPipelineArgs(this.spec, this.options);
    return describePipeline(args).replace(/(location=)(\S+)/, (_, key: string, value: string) => key + redactUri(value));
  }

  private async supervise(): Promise<void> {
    let attempt = 0;
    while (!this.stopRequested) {
      this.setState('starting');
      const framesBefore = this.framesIn;
      const exit = await this.runOnce();
      if (this.stopRequested) break;
      if (this.framesIn > framesBefore) attempt = 0; // it worked for a while: back to short delays
      if (exit.kind === 'eos' && !this.spec.live) {
        this.setState('ended');
        break;
      }
      const error =
        exit.kind === 'failed'
          ? exit.error
          : new SourceError('pipeline-exited', `live source ${redactUri(this.describeSource())} ended`, { retriable: true });
      this.lastError = error;
      attempt++;
      const willRestart = (this.spec.live || error.retriable) && attempt <= this.restartPolicy.maxAttempts;
      this.emit('failure', error, { willRestart });
      if (!willRestart) {
        this.setState('failed');
        break;
      }
      const delayMs = backoffDelayMs(attempt, this.restartPolicy, this.random);
      this.restarts++;
      this.options.metrics?.restart?.(this.cameraId, exit.kind === 'failed' ? error : undefined);
      this.emit('restart', { attempt, delayMs });
      this.setState('backoff');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delayMs);
        this.wakeBackoff = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeBackoff = undefined;
      this.eventTime?.reanchor();
      this.rateLimiter.reset();
    }
    if (this.stopRequested) this.setState('stopped');
    this.queue.close();
  }

  /** One start of the source: prepares it, then runs its pipeline segment(s) to the end. */
  private async runOnce(): Promise<PipelineExit> {
    let cleanup: (() => Promise<void>) | undefined;
    try {
      const prepared = await this.prepare();
      cleanup = prepared.cleanup;
      let exit: PipelineExit = { kind: 'eos' };
      for (const segment of prepared.segments) {
        if (this.stopRequested) return { kind: 'stopped' };
        exit = await this.runSegment(segment);
        if (exit.kind !== 'eos') break;
      }
      return exit;
    } catch (cause) {
      const error = cause instanceof SourceError ? cause : new SourceError('pipeline-error', String(cause), { cause, retriable: this.spec.live });
      return { kind: 'failed', error };
    } finally {
      await cleanup?.().catch(() => undefined);
    }
  }

  private async prepare(): Promise<{ segments: Segment[]; cleanup?: () => Promise<void> }> {
    const spec = this.spec;
    if (spec.kind === 'file') {
      // A missing file may still appear (a recording being copied in): worth waiting for, unlike a broken one.
      await access(spec.path).catch((cause: unknown) => {
        throw new SourceError('source-missing', `video file ${spec.path} does not exist or is unreadable`, { retriable: true, cause });
      });
    }
    if (spec.kind !== 'images') return { segments: [{ args: buildPipelineArgs(spec, this.options), ptsOffsetNs: 0 }] };
    const folder = await linkImageFolder(spec.dir, spec.fps ?? this.options.fpsLimit);
    const frameNs = 1e9 / (spec.fps ?? this.options.fpsLimit);
    return {
      segments: folder.runs.map((run) => ({ args: buildPipelineArgs(spec, this.options, run), ptsOffsetNs: Math.round(run.firstIndex * frameNs) })),
      cleanup: folder.remove,
    };
  }

  private runSegment(segment: Segment): Promise<PipelineExit> {
    const runStartUs = this.wallClockUs();
    let lastFrameAt = performance.now();
    let stalled: SourceError | undefined;
    return new Promise((resolve) => {
      const process = new GstPipelineProcess({
        gstLaunch: this.options.gstLaunch,
        args: segment.args,
        live: this.spec.live,
        onFrame: (frame) => {
          lastFrameAt = performance.now();
          this.onFrame(frame, segment.ptsOffsetNs, runStartUs);
        },
        onExit: (exit) => {
          clearInterval(watchdog);
          this.process = undefined;
          resolve(stalled && exit.kind === 'stopped' ? { kind: 'failed', error: stalled } : exit);
        },
      });
      const stallMs = this.options.stallTimeoutMs;
      const watchdog = setInterval(() => {
        if (stalled || this.stopRequested) return;
        const now = performance.now();
        // A full lossless queue means we paused the child: waiting for the consumer is not a stall.
        if (this.queue.overflow === 'block' && this.queue.depth >= this.queue.capacity) lastFrameAt = now;
        if (now - lastFrameAt <= stallMs) return;
        stalled = this.spec.live
          ? new SourceError('pipeline-stalled', `no frame from the live source for ${stallMs} ms`, { retriable: true })
          : new SourceError('pipeline-stalled', `no frame for ${stallMs} ms: GStreamer hung without reporting an error (damaged file?)`);
        void process.stop(this.options.stopTimeoutMs);
      }, Math.max(10, Math.min(1000, stallMs / 4)));
      this.process = process;
      this.setState('running');
    });
  }

  private onFrame(frame: DecodedFrame, ptsOffsetNs: number, runStartUs: number): void {
    this.framesIn++;
    this.meterIn.record();
    this.options.metrics?.framesIn?.(this.cameraId);
    // A buffer without PTS (rare) gets the time since its pipeline started.
    const ptsNs = (frame.ptsNs ?? (this.wallClockUs() - runStartUs) * 1000) + ptsOffsetNs;
    if (!this.rateLimiter.accept(ptsNs)) {
      this.droppedRateLimit++;
      this.options.metrics?.framesDropped?.(this.cameraId, 'rate-limit');
      return;
    }
    const videoFrame: VideoFrame = {
      cameraId: this.cameraId,
      seq: this.nextSeq++,
      ptsNs,
      eventTimeUs: this.eventTime!.eventTimeUs(ptsNs),
      width: frame.width,
      height: frame.height,
      rgb: frame.rgb,
    };
    if (!this.queue.push(videoFrame)) this.process?.pause();
  }

  private describeSource(): string {
    const spec = this.spec;
    switch (spec.kind) {
      case 'file':
        return spec.path;
      case 'images':
        return spec.dir;
      case 'videotestsrc':
        return `videotestsrc://${spec.pattern}`;
      default:
        return spec.location;
    }
  }

  private setState(state: FrameSourceState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.options.metrics?.state?.(this.cameraId, state);
    this.emit('state', state);
  }
}

function exampleImageRun(fps: number): ImageRun {
  return { location: '<linked images>/%08d.jpg', firstIndex: 0, lastIndex: 0, format: 'jpeg', fps };
}

function invalidOption(where: string, key: string, problem: string): SourceError {
  return new SourceError('invalid-option', `${where}: ${key} ${problem}`);
}
