// The PatternDetector as it was before its rework for speed (one heap entry per sighting, a scan of
// every track for the next lost one), kept unchanged as the oracle of patterns.differential.spec.ts.
// Tests only: the service never uses it.
import { LineCrossing, QueueAlert, ZoneDwell, type DetectionEvent, type DwellEndReason, type ZoneKind } from '@retail/schema';
import type { CameraInfo, StoreInfo, ZoneInfo } from '../../records/reference';
import { StreamComputeError } from '../errors';
import { crossesSegment, polygonContains, signedDistance } from '../geometry';
import { MinHeap } from '../min-heap';
import type { PatternOptions, PatternOutputs, PatternSnapshot } from '../patterns';
import type { ReferenceTables } from '../reference-join';
import { US_PER_MS } from '../time';
import { NO_WATERMARK } from '../watermarks';

/** What the patterns keep of a tracked detection until the watermark releases it. */
interface Sighting {
  detectionId: string;
  cameraId: string;
  storeId: string;
  ts: number;
  trackId: number;
  itemName: string;
  x: number;
  y: number;
}

interface ZoneStay {
  zoneName: string;
  zoneKind: ZoneKind;
  enterTs: number;
  lastInsideTs: number;
}

/** The last position of a track clearly on one side of a line (outside the hysteresis band). */
interface LineSide {
  side: 1 | -1;
  distance: number;
  x: number;
  y: number;
}

interface TrackState {
  key: string;
  cameraId: string;
  storeId: string;
  trackId: number;
  itemName: string;
  lastTs: number;
  zones: Map<string, ZoneStay>;
  lines: Map<string, LineSide>;
}

interface QueueState {
  key: string;
  cameraId: string;
  storeId: string;
  zoneId: string;
  zoneName: string;
  /** Distinct tracks inside now. */
  count: number;
  /** Since when count >= threshold; null below it. */
  aboveSince: number | null;
  /** When the current alert was raised; null when no alert stands. */
  raisedAt: number | null;
  /** When the latest alert was raised (cool-down reference); null before the first. */
  lastRaisedAt: number | null;
}

const SEP = '\u0000';
const UNKNOWN_STORE = { name: 'unknown', city: 'unknown', region: 'unknown', timezone: 'UTC' };

function sightingBefore(a: Sighting, b: Sighting): boolean {
  if (a.ts !== b.ts) return a.ts < b.ts;
  if (a.cameraId !== b.cameraId) return a.cameraId < b.cameraId;
  if (a.trackId !== b.trackId) return a.trackId < b.trackId;
  return a.detectionId < b.detectionId;
}

/**
 * Complex-event patterns over tracked detections: zone dwell, checkout-queue alerts and line
 * crossings. Sightings are buffered and replayed in event-time order as the watermark passes them,
 * so the patterns see each track's positions in the order they happened; a sighting arriving
 * behind the patterns' clock is skipped (counted in `lateSkipped`). Timers (track lost, queue
 * alert due) fire in event time at their exact due time, interleaved with sightings.
 */
export class ReferencePatternDetector {
  private readonly lostAfterUs: number;
  private readonly hysteresis: number;
  private readonly queueMinTracks: number;
  private readonly queueMinDurationUs: number;
  private readonly queueCooldownUs: number;
  private readonly buffer = new MinHeap<Sighting>(sightingBefore);
  private readonly tracks = new Map<string, TrackState>();
  private readonly queues = new Map<string, QueueState>();
  /** Queues at or above the threshold without a standing alert: the only ones with a raise timer. */
  private readonly armed = new Set<QueueState>();
  /** Event time the patterns have reached (the last watermark they were advanced to). */
  private time = NO_WATERMARK;
  /** A lower bound of every track's lastTs: no track can be lost before this + timeout. */
  private lostLowerBound = NO_WATERMARK;
  /** Sightings that arrived behind the patterns' clock (metric, not snapshotted). */
  lateSkipped = 0;
  /** Sightings whose camera vanished from the reference data before release (metric). */
  unknownCameraSkipped = 0;

  constructor(
    options: PatternOptions,
    private readonly reference: () => ReferenceTables,
    private readonly outputs: PatternOutputs,
  ) {
    this.lostAfterUs = options.trackLostAfterMs * US_PER_MS;
    this.hysteresis = options.lineHysteresis;
    this.queueMinTracks = options.queue.minTracks;
    this.queueMinDurationUs = options.queue.minDurationMs * US_PER_MS;
    this.queueCooldownUs = options.queue.cooldownMs * US_PER_MS;
  }

  get trackCount(): number {
    return this.tracks.size;
  }

  get buffered(): number {
    return this.buffer.size;
  }

  /** Takes a joined detection; untracked ones have no pattern and are ignored. */
  offer(event: DetectionEvent): void {
    const trackId = event.track_id;
    if (trackId === null || trackId === undefined) return;
    if (event.frame_ts <= this.time) {
      this.lateSkipped++;
      return;
    }
    const box = event.bbox;
    this.buffer.push({
      detectionId: event.detection_id,
      cameraId: event.camera_id,
      storeId: event.store_id,
      ts: event.frame_ts,
      trackId,
      itemName: event.item_name,
      x: box.x + box.w / 2,
      y: box.y + box.h,
    });
  }

  /** Releases sightings up to the watermark in event-time order and fires due timers. */
  advance(watermark: number): void {
    if (watermark <= this.time) return;
    for (let next = this.buffer.peek(); next !== undefined && next.ts <= watermark; next = this.buffer.peek()) {
      this.buffer.pop();
      this.fireTimersBefore(next.ts);
      this.apply(next);
    }
    this.fireTimersBefore(watermark);
    this.time = watermark;
  }

  private apply(s: Sighting): void {
    const tables = this.reference();
    const camera = tables.camera(s.cameraId);
    if (camera === undefined) {
      this.unknownCameraSkipped++;
      return;
    }
    const key = `${s.cameraId}${SEP}${s.trackId}`;
    let track = this.tracks.get(key);
    if (track === undefined) {
      track = { key, cameraId: s.cameraId, storeId: s.storeId, trackId: s.trackId, itemName: s.itemName, lastTs: s.ts, zones: new Map(), lines: new Map() };
      this.tracks.set(key, track);
      if (s.ts < this.lostLowerBound) this.lostLowerBound = s.ts;
    }
    track.lastTs = s.ts;
    track.itemName = s.itemName;
    this.updateZones(track, camera, s, tables);
    this.updateLines(track, camera, s, tables);
  }

  private updateZones(track: TrackState, camera: CameraInfo, s: Sighting, tables: ReferenceTables): void {
    for (const zone of camera.zones) {
      const inside = polygonContains(zone.polygon, s.x, s.y);
      const stay = track.zones.get(zone.zoneId);
      if (inside && stay === undefined) {
        track.zones.set(zone.zoneId, { zoneName: zone.name, zoneKind: zone.kind, enterTs: s.ts, lastInsideTs: s.ts });
        if (zone.kind === 'checkout_queue') this.changeQueue(track, zone, +1, s.ts, tables);
      } else if (inside && stay !== undefined) {
        stay.lastInsideTs = s.ts;
      } else if (!inside && stay !== undefined) {
        this.endStay(track, zone.zoneId, stay, 'exit', s.ts, tables);
      }
    }
    // Zones removed from the camera by a reference update end like exits.
    if (track.zones.size > 0)
      for (const [zoneId, stay] of track.zones) if (!camera.zones.some((z) => z.zoneId === zoneId)) this.endStay(track, zoneId, stay, 'exit', s.ts, tables);
  }

  private updateLines(track: TrackState, camera: CameraInfo, s: Sighting, tables: ReferenceTables): void {
    for (const line of camera.lines) {
      const distance = signedDistance(line.a, line.b, s.x, s.y);
      const side = distance > this.hysteresis ? 1 : distance < -this.hysteresis ? -1 : 0;
      if (side === 0) continue; // inside the band: jitter, not a side
      const previous = track.lines.get(line.lineId);
      if (previous === undefined) {
        track.lines.set(line.lineId, { side, distance, x: s.x, y: s.y });
        continue;
      }
      if (previous.side !== side && crossesSegment(line.a, line.b, previous, s, previous.distance, distance)) {
        const store = tables.store(track.storeId) ?? UNKNOWN_STORE;
        this.outputs.lineCrossing({
          crossing_id: `${track.cameraId}:${track.trackId}:${line.lineId}:${s.ts}`,
          store_id: track.storeId,
          camera_id: track.cameraId,
          line_id: line.lineId,
          line_name: line.name,
          track_id: track.trackId,
          item_name: track.itemName,
          direction: side > 0 ? 'in' : 'out',
          crossing_ts: s.ts,
          store_name: store.name,
          city: store.city,
          region: store.region,
          schema_version: LineCrossing.version,
        });
      }
      previous.side = side;
      previous.distance = distance;
      previous.x = s.x;
      previous.y = s.y;
    }
  }

  private endStay(track: TrackState, zoneId: string, stay: ZoneStay, endedBy: DwellEndReason, at: number, tables: ReferenceTables): void {
    track.zones.delete(zoneId);
    const store = tables.store(track.storeId) ?? UNKNOWN_STORE;
    this.outputs.zoneDwell({
      dwell_id: `${track.cameraId}:${track.trackId}:${zoneId}:${stay.enterTs}`,
      store_id: track.storeId,
      camera_id: track.cameraId,
      zone_id: zoneId,
      zone_name: stay.zoneName,
      zone_kind: stay.zoneKind,
      track_id: track.trackId,
      item_name: track.itemName,
      enter_ts: stay.enterTs,
      exit_ts: stay.lastInsideTs,
      dwell_ms: Math.floor((stay.lastInsideTs - stay.enterTs) / US_PER_MS),
      ended_by: endedBy,
      store_name: store.name,
      city: store.city,
      region: store.region,
      schema_version: ZoneDwell.version,
    });
    if (stay.zoneKind === 'checkout_queue') this.changeQueue(track, { zoneId, name: stay.zoneName }, -1, at, tables);
  }

  private changeQueue(track: TrackState, zone: Pick<ZoneInfo, 'zoneId' | 'name'>, delta: 1 | -1, at: number, tables: ReferenceTables): void {
    const key = `${track.cameraId}${SEP}${zone.zoneId}`;
    let queue = this.queues.get(key);
    if (queue === undefined) {
      queue = { key, cameraId: track.cameraId, storeId: track.storeId, zoneId: zone.zoneId, zoneName: zone.name, count: 0, aboveSince: null, raisedAt: null, lastRaisedAt: null };
      this.queues.set(key, queue);
    }
    queue.count += delta;
    if (queue.count >= this.queueMinTracks) {
      if (queue.aboveSince === null) queue.aboveSince = at;
      this.rearm(queue);
      return;
    }
    queue.aboveSince = null;
    this.rearm(queue);
    if (queue.raisedAt !== null) {
      this.emitAlert(queue, 'cleared', at, queue.raisedAt, tables);
      queue.raisedAt = null;
    }
    // Forget idle queues that hold nothing worth remembering (the cool-down may still matter).
    if (queue.count === 0 && (queue.lastRaisedAt === null || at - queue.lastRaisedAt >= this.queueCooldownUs)) this.queues.delete(key);
  }

  private rearm(queue: QueueState): void {
    if (queue.aboveSince !== null && queue.raisedAt === null) this.armed.add(queue);
    else this.armed.delete(queue);
  }

  private raiseDueOf(queue: QueueState): number {
    if (queue.aboveSince === null || queue.raisedAt !== null) return Number.POSITIVE_INFINITY;
    const sustained = queue.aboveSince + this.queueMinDurationUs;
    return queue.lastRaisedAt === null ? sustained : Math.max(sustained, queue.lastRaisedAt + this.queueCooldownUs);
  }

  /** Fires every timer due strictly before `t`, earliest first (track lost before queue raise on ties, then by key). */
  private fireTimersBefore(t: number): void {
    for (;;) {
      const lost = this.earliestLostTrack(t);
      const lostDue = lost === undefined ? Number.POSITIVE_INFINITY : lost.lastTs + this.lostAfterUs;
      let raise: QueueState | undefined;
      let raiseDue = Number.POSITIVE_INFINITY;
      if (this.armed.size > 0)
        for (const queue of this.armed) {
          const due = this.raiseDueOf(queue);
          if (due < raiseDue || (due === raiseDue && raise !== undefined && queue.key < raise.key)) {
            raise = queue;
            raiseDue = due;
          }
        }
      if (lost !== undefined && lostDue < t && lostDue <= raiseDue) this.loseTrack(lost, lostDue);
      else if (raise !== undefined && raiseDue < t) this.raise(raise, raiseDue);
      else return;
    }
  }

  /** The track to be lost first, if any could be due before `t`. */
  private earliestLostTrack(t: number): TrackState | undefined {
    if (this.lostLowerBound + this.lostAfterUs >= t) return undefined;
    let earliest: TrackState | undefined;
    for (const track of this.tracks.values())
      if (earliest === undefined || track.lastTs < earliest.lastTs || (track.lastTs === earliest.lastTs && track.key < earliest.key)) earliest = track;
    this.lostLowerBound = earliest === undefined ? Number.POSITIVE_INFINITY : earliest.lastTs;
    return earliest;
  }

  private loseTrack(track: TrackState, at: number): void {
    const tables = this.reference();
    for (const [zoneId, stay] of track.zones) this.endStay(track, zoneId, stay, 'track_lost', at, tables);
    this.tracks.delete(track.key);
    this.lostLowerBound = NO_WATERMARK; // recomputed on the next check
  }

  private raise(queue: QueueState, at: number): void {
    queue.raisedAt = at;
    queue.lastRaisedAt = at;
    this.armed.delete(queue);
    this.emitAlert(queue, 'raised', at, queue.aboveSince ?? at, this.reference());
  }

  private emitAlert(queue: QueueState, state: 'raised' | 'cleared', at: number, since: number, tables: ReferenceTables): void {
    const store: Omit<StoreInfo, 'storeId'> = tables.store(queue.storeId) ?? UNKNOWN_STORE;
    this.outputs.queueAlert({
      alert_id: `${queue.cameraId}:${queue.zoneId}:${state}:${at}`,
      store_id: queue.storeId,
      camera_id: queue.cameraId,
      zone_id: queue.zoneId,
      zone_name: queue.zoneName,
      state,
      event_ts: at,
      queue_length: queue.count,
      threshold: this.queueMinTracks,
      since_ts: since,
      store_name: store.name,
      city: store.city,
      region: store.region,
      timezone: store.timezone,
      schema_version: QueueAlert.version,
    });
  }

  snapshot(): PatternSnapshot {
    return {
      time: this.time === NO_WATERMARK ? null : this.time,
      buffer: this.buffer.sorted().map((s) => [s.detectionId, s.cameraId, s.storeId, s.ts, s.trackId, s.itemName, s.x, s.y]),
      tracks: [...this.tracks.values()].map((t) => [
        t.cameraId,
        t.storeId,
        t.trackId,
        t.itemName,
        t.lastTs,
        [...t.zones].map(([zoneId, z]) => [zoneId, z.zoneName, z.zoneKind, z.enterTs, z.lastInsideTs]),
        [...t.lines].map(([lineId, l]) => [lineId, l.side, l.distance, l.x, l.y]),
      ]),
      queues: [...this.queues.values()].map((q) => [q.cameraId, q.storeId, q.zoneId, q.zoneName, q.count, q.aboveSince, q.raisedAt, q.lastRaisedAt]),
    };
  }

  restore(snapshot: PatternSnapshot): void {
    if (!Array.isArray(snapshot?.buffer) || !Array.isArray(snapshot.tracks) || !Array.isArray(snapshot.queues))
      throw new StreamComputeError('INVALID_SNAPSHOT', 'pattern snapshot: expected buffer, tracks and queues arrays');
    this.time = snapshot.time ?? NO_WATERMARK;
    this.buffer.clear();
    for (const [detectionId, cameraId, storeId, ts, trackId, itemName, x, y] of snapshot.buffer)
      this.buffer.push({ detectionId, cameraId, storeId, ts, trackId, itemName, x, y });
    this.tracks.clear();
    for (const [cameraId, storeId, trackId, itemName, lastTs, zones, lines] of snapshot.tracks) {
      const key = `${cameraId}${SEP}${trackId}`;
      this.tracks.set(key, {
        key,
        cameraId,
        storeId,
        trackId,
        itemName,
        lastTs,
        zones: new Map(zones.map(([zoneId, zoneName, zoneKind, enterTs, lastInsideTs]) => [zoneId, { zoneName, zoneKind, enterTs, lastInsideTs }])),
        lines: new Map(lines.map(([lineId, side, distance, x, y]) => [lineId, { side, distance, x, y }])),
      });
    }
    this.queues.clear();
    this.armed.clear();
    for (const [cameraId, storeId, zoneId, zoneName, count, aboveSince, raisedAt, lastRaisedAt] of snapshot.queues) {
      const queue: QueueState = { key: `${cameraId}${SEP}${zoneId}`, cameraId, storeId, zoneId, zoneName, count, aboveSince, raisedAt, lastRaisedAt };
      this.queues.set(queue.key, queue);
      this.rearm(queue);
    }
    this.lostLowerBound = NO_WATERMARK;
  }
}
