import { US_PER_MS } from './time';
import { StreamComputeError } from './errors';

/** No watermark yet: nothing is late and no window fires. */
export const NO_WATERMARK = Number.NEGATIVE_INFINITY;

interface CameraClock {
  readonly cameraId: string;
  /** Highest event time seen from the camera, microseconds. */
  maxEventTs: number;
  /** Processing time of its latest event, milliseconds (injected clock). */
  lastSeenMs: number;
}

export interface WatermarkSnapshot {
  /** null: no watermark yet (JSON has no -Infinity). */
  watermark: number | null;
  cameras: [cameraId: string, maxEventTs: number, lastSeenMs: number][];
}

/**
 * Event-time progress with bounded out-of-orderness per camera. A camera's watermark trails its
 * newest event time by the out-of-orderness; the global watermark is the minimum over cameras that
 * sent something within the idle timeout (processing time), and never moves backwards.
 *
 * When every camera is idle, event time is taken to pass as processing time does, beyond the idle
 * timeout: an idle camera's clock is its newest event time plus (time since its last event − idle
 * timeout), so its last windows close instead of staying open until it sends again. Nothing is
 * assumed during the idle timeout itself, so a camera that pauses for less never sees a jump.
 */
export class WatermarkTracker {
  private readonly outOfOrdernessUs: number;
  private readonly idleTimeoutMs: number;
  private readonly byId = new Map<string, CameraClock>();
  /** The same clocks as an array: the per-event minimum is a tight loop. */
  private readonly clocks: CameraClock[] = [];
  private watermark = NO_WATERMARK;
  /**
   * The global minimum needs recomputing only when it may have changed: a camera joined or came
   * back from idle, the camera holding the minimum moved, or some camera may have gone idle.
   */
  private dirty = false;
  private minClock: CameraClock | undefined = undefined;
  /** Earliest processing time at which an active camera could turn idle. */
  private nextIdleCheckMs = Number.NEGATIVE_INFINITY;

  constructor(options: { outOfOrdernessMs: number; idleTimeoutMs: number }) {
    this.outOfOrdernessUs = options.outOfOrdernessMs * US_PER_MS;
    this.idleTimeoutMs = options.idleTimeoutMs;
  }

  /** The global watermark, microseconds (NO_WATERMARK before the first advance over an event). */
  get current(): number {
    return this.watermark;
  }

  /** Records one event of a camera; a camera that was idle becomes active again. */
  observe(cameraId: string, eventTs: number, nowMs: number): void {
    let clock = this.byId.get(cameraId);
    if (clock === undefined) {
      clock = { cameraId, maxEventTs: eventTs, lastSeenMs: nowMs };
      this.byId.set(cameraId, clock);
      this.clocks.push(clock);
      this.dirty = true;
      return;
    }
    if (nowMs - clock.lastSeenMs > this.idleTimeoutMs) this.dirty = true; // rejoins after being idle
    if (eventTs > clock.maxEventTs) {
      clock.maxEventTs = eventTs;
      if (clock === this.minClock) this.dirty = true;
    }
    if (nowMs > clock.lastSeenMs) clock.lastSeenMs = nowMs;
  }

  /**
   * Recomputes the global watermark at processing time `nowMs`; returns it. With every camera
   * idle it follows processing time beyond the idle timeout (see the class comment).
   */
  advance(nowMs: number): number {
    if (!this.dirty && nowMs <= this.nextIdleCheckMs) return this.watermark;
    this.dirty = false;
    const activeSince = nowMs - this.idleTimeoutMs;
    let lowest = Number.POSITIVE_INFINITY;
    let minClock: CameraClock | undefined;
    let earliestSeen = Number.POSITIVE_INFINITY;
    const clocks = this.clocks;
    for (let i = 0; i < clocks.length; i++) {
      const clock = clocks[i]!;
      if (clock.lastSeenMs < activeSince) continue;
      if (clock.maxEventTs < lowest) {
        lowest = clock.maxEventTs;
        minClock = clock;
      }
      if (clock.lastSeenMs < earliestSeen) earliestSeen = clock.lastSeenMs;
    }
    this.minClock = minClock;
    if (lowest === Number.POSITIVE_INFINITY && clocks.length > 0) {
      lowest = this.idleClock(nowMs);
      this.nextIdleCheckMs = Number.NEGATIVE_INFINITY; // moves with every call until a camera is back
    } else {
      this.nextIdleCheckMs = earliestSeen + this.idleTimeoutMs;
    }
    if (lowest !== Number.POSITIVE_INFINITY) {
      const candidate = lowest - this.outOfOrdernessUs;
      if (candidate > this.watermark) this.watermark = candidate;
    }
    return this.watermark;
  }

  /** With every camera idle: the slowest camera's newest event time advanced by its silence beyond the idle timeout. */
  private idleClock(nowMs: number): number {
    let lowest = Number.POSITIVE_INFINITY;
    for (const clock of this.clocks) {
      const silentBeyondTimeoutMs = Math.max(0, nowMs - clock.lastSeenMs - this.idleTimeoutMs);
      const projected = clock.maxEventTs + silentBeyondTimeoutMs * US_PER_MS;
      if (projected < lowest) lowest = projected;
    }
    return lowest;
  }

  /** Cameras currently holding the watermark (not idle at `nowMs`). */
  activeCameras(nowMs: number): string[] {
    return this.clocks.filter((c) => c.lastSeenMs >= nowMs - this.idleTimeoutMs).map((c) => c.cameraId);
  }

  snapshot(): WatermarkSnapshot {
    return {
      watermark: this.watermark === NO_WATERMARK ? null : this.watermark,
      cameras: this.clocks.map((c) => [c.cameraId, c.maxEventTs, c.lastSeenMs]),
    };
  }

  restore(snapshot: WatermarkSnapshot): void {
    if (!Array.isArray(snapshot?.cameras)) throw new StreamComputeError('INVALID_SNAPSHOT', 'watermark snapshot: expected a cameras array');
    this.byId.clear();
    this.clocks.length = 0;
    this.watermark = snapshot.watermark ?? NO_WATERMARK;
    this.dirty = true;
    this.minClock = undefined;
    for (const [cameraId, maxEventTs, lastSeenMs] of snapshot.cameras) {
      const clock = { cameraId, maxEventTs, lastSeenMs };
      this.byId.set(cameraId, clock);
      this.clocks.push(clock);
    }
  }
}
