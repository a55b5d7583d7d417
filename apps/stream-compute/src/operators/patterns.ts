import { LineCrossing, QueueAlert, ZoneDwell, type DetectionEvent, type DwellEndReason, type ZoneKind } from '@retail/schema';
import type { CameraInfo, LineInfo, StoreInfo, ZoneInfo } from '../records/reference';
import { StreamComputeError } from './errors';
import { crossesSegment, preparedPolygonContains, preparedSignedDistance, prepareLine, preparePolygon, type PreparedLine, type PreparedPolygon } from './geometry';
import { KeyedMinHeap } from './min-heap';
import type { ReferenceTables } from './reference-join';
import { US_PER_MS } from './time';
import { NO_WATERMARK } from './watermarks';

export interface PatternOptions {
  trackLostAfterMs: number;
  lineHysteresis: number;
  queue: { minTracks: number; minDurationMs: number; cooldownMs: number };
}

export interface PatternOutputs {
  zoneDwell(row: ZoneDwell): void;
  lineCrossing(row: LineCrossing): void;
  queueAlert(row: QueueAlert): void;
}

export interface PatternSnapshot {
  time: number | null;
  buffer: [detectionId: string, cameraId: string, storeId: string, ts: number, trackId: number, itemName: string, x: number, y: number][];
  tracks: [cameraId: string, storeId: string, trackId: number, itemName: string, lastTs: number, zones: [string, string, ZoneKind, number, number][], lines: [string, 1 | -1, number, number, number][]][];
  queues: [cameraId: string, storeId: string, zoneId: string, zoneName: string, count: number, aboveSince: number | null, raisedAt: number | null, lastRaisedAt: number | null][];
}

type StoreFields = Omit<StoreInfo, 'storeId'>;

/** A camera's zones and lines with their extents and lengths computed once (per version of the reference data). */
interface CameraGeometry {
  readonly info: CameraInfo;
  readonly zones: readonly { readonly info: ZoneInfo; readonly prepared: PreparedPolygon }[];
  readonly lines: readonly { readonly info: LineInfo; readonly prepared: PreparedLine }[];
}

/**
 * Everything the patterns keep per camera id: its tracks and queues by their short ids (numbers and
 * the reference's zone ids, so no key strings are built per event), and its geometry looked up once
 * per version of the reference data. Also the camera id's one string, so sightings of one camera
 * compare their camera ids by reference.
 */
class CameraSlot {
  readonly tracks = new Map<number, TrackState>();
  /** Queue zones with state, by zone id. */
  readonly queues = new Map<string, QueueState>();
  /** The reference data `geometry` was taken from; undefined before the first look-up. */
  tables: ReferenceTables | undefined = undefined;
  /** undefined while the camera is not in `tables`. */
  geometry: CameraGeometry | undefined = undefined;

  constructor(readonly cameraId: string) {}
}

/** What the patterns keep of a tracked detection until the watermark releases it (stored in `SightingColumns`). */
interface Sighting {
  camera: CameraSlot;
  detectionId: string;
  storeId: string;
  ts: number;
  trackId: number;
  itemName: string;
  x: number;
  y: number;
}

/**
 * The buffered sightings by column, in numbered slots reused last-freed-first: no object per
 * sighting, and a released slot (still in cache) takes the next sighting offered. A sighting waits
 * a watermark's delay (seconds, thousands of events), long enough for a freshly allocated object to
 * leave the cache; the columns stay dense and warm.
 */
class SightingColumns {
  private capacity = 0;
  private xs = new Float64Array(0);
  private ys = new Float64Array(0);
  private tss = new Float64Array(0);
  private trackIds = new Float64Array(0);
  private readonly cameras: (CameraSlot | undefined)[] = [];
  private readonly detectionIds: string[] = [];
  private readonly storeIds: string[] = [];
  private readonly itemNames: string[] = [];
  private readonly free: number[] = [];

  add(camera: CameraSlot, detectionId: string, storeId: string, ts: number, trackId: number, itemName: string, x: number, y: number): number {
    if (this.free.length === 0) this.grow();
    const slot = this.free.pop()!;
    this.xs[slot] = x;
    this.ys[slot] = y;
    this.tss[slot] = ts;
    this.trackIds[slot] = trackId;
    this.cameras[slot] = camera;
    this.detectionIds[slot] = detectionId;
    this.storeIds[slot] = storeId;
    this.itemNames[slot] = itemName;
    return slot;
  }

  /** Copies a slot into `into` (a reused object: reading allocates nothing). */
  read(slot: number, into: Sighting): void {
    into.camera = this.cameras[slot]!;
    into.detectionId = this.detectionIds[slot]!;
    into.storeId = this.storeIds[slot]!;
    into.ts = this.tss[slot]!;
    into.trackId = this.trackIds[slot]!;
    into.itemName = this.itemNames[slot]!;
    into.x = this.xs[slot]!;
    into.y = this.ys[slot]!;
  }

  /** The release order of sightings: event time, then camera, track and detection id (never arrival order). */
  before(a: number, b: number): boolean {
    const tsA = this.tss[a]!;
    const tsB = this.tss[b]!;
    return tsA !== tsB ? tsA < tsB : this.tieBefore(a, b);
  }

  /** `before` for two slots of one event time. */
  tieBefore(a: number, b: number): boolean {
    const cameraA = this.cameras[a]!;
    const cameraB = this.cameras[b]!;
    if (cameraA !== cameraB) return cameraA.cameraId < cameraB.cameraId;
    const trackA = this.trackIds[a]!;
    const trackB = this.trackIds[b]!;
    if (trackA !== trackB) return trackA < trackB;
    return this.detectionIds[a]! < this.detectionIds[b]!;
  }

  release(slot: number): void {
    // Drop the references, so freed slots keep no strings alive.
    this.cameras[slot] = undefined;
    this.detectionIds[slot] = '';
    this.storeIds[slot] = '';
    this.itemNames[slot] = '';
    this.free.push(slot);
  }

  clear(): void {
    this.capacity = 0;
    this.xs = new Float64Array(0);
    this.ys = new Float64Array(0);
    this.tss = new Float64Array(0);
    this.trackIds = new Float64Array(0);
    this.cameras.length = 0;
    this.detectionIds.length = 0;
    this.storeIds.length = 0;
    this.itemNames.length = 0;
    this.free.length = 0;
  }

  private grow(): void {
    const old = this.capacity;
    const capacity = Math.max(INITIAL_SIGHTING_SLOTS, old * 2);
    const widen = (column: Float64Array) => {
      const wider = new Float64Array(capacity);
      wider.set(column);
      return wider;
    };
    this.xs = widen(this.xs);
    this.ys = widen(this.ys);
    this.tss = widen(this.tss);
    this.trackIds = widen(this.trackIds);
    for (let slot = old; slot < capacity; slot++) {
      this.cameras.push(undefined);
      this.detectionIds.push('');
      this.storeIds.push('');
      this.itemNames.push('');
    }
    // Lowest slots on top of the stack: they are taken first.
    for (let slot = capacity - 1; slot >= old; slot--) this.free.push(slot);
    this.capacity = capacity;
  }
}

interface ZoneStay {
  zoneId: string;
  zoneName: string;
  zoneKind: ZoneKind;
  enterTs: number;
  lastInsideTs: number;
}

/** The last position of a track clearly on one side of a line (outside the hysteresis band). */
interface LineSide {
  lineId: string;
  /** `${cameraId}:${trackId}:${lineId}:`, the start of the track's crossing ids on this line. */
  idPrefix: string;
  side: 1 | -1;
  distance: number;
  x: number;
  y: number;
}

interface TrackState {
  /** `${cameraId}\0${trackId}`: the tie-break among tracks lost at the same time, and the snapshot's identity. */
  key: string;
  /** `${cameraId}:${trackId}:`, the start of the track's row ids. */
  idPrefix: string;
  /** Dwell id starts (`${idPrefix}${zoneId}:`) of the zones the track has left, by zone id: built once per zone. */
  dwellPrefixes: { zoneId: string; idPrefix: string }[];
  camera: CameraSlot;
  storeId: string;
  trackId: number;
  itemName: string;
  lastTs: number;
  /** Open stays in the order they began (a small array: cameras have a few zones). */
  stays: ZoneStay[];
  lines: LineSide[];
  /** The camera version the stays were last checked against (stays of zones it lacks end); null after restore. */
  staysCheckedFor: CameraInfo | null;
  /** Neighbours in the detector's list of tracks by lastTs (oldest first). */
  older: TrackState | null;
  newer: TrackState | null;
  /** The track's store from `storeTables`, looked up once per version of the reference data. */
  storeTables: ReferenceTables | undefined;
  store: StoreFields;
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
/** Slots of the first sighting columns (they double when full). */
const INITIAL_SIGHTING_SLOTS = 1024;
const UNKNOWN_STORE: StoreFields = { name: 'unknown', city: 'unknown', region: 'unknown', timezone: 'UTC' };

/** Adds a slot to the few of one event time, keeping them in release order (insertion sort: ties are a frame's few). */
function insertInOrder(columns: SightingColumns, slots: number[], slot: number): void {
  let i = slots.length;
  slots.push(slot);
  while (i > 0 && columns.tieBefore(slot, slots[i - 1]!)) {
    slots[i] = slots[i - 1]!;
    i--;
  }
  slots[i] = slot;
}

function prepareGeometry(camera: CameraInfo): CameraGeometry {
  return {
    info: camera,
    zones: camera.zones.map((zone) => ({ info: zone, prepared: preparePolygon(zone.polygon) })),
    lines: camera.lines.map((line) => ({ info: line, prepared: prepareLine(line.a, line.b) })),
  };
}

function indexOfStay(stays: readonly ZoneStay[], zoneId: string): number {
  for (let i = 0; i < stays.length; i++) if (stays[i]!.zoneId === zoneId) return i;
  return -1;
}

/** Removes one stay, keeping the others in order (splice would allocate the removed part). */
function removeStay(stays: ZoneStay[], stay: ZoneStay): void {
  let i = stays.indexOf(stay);
  for (; i < stays.length - 1; i++) stays[i] = stays[i + 1]!;
  stays.pop();
}

function dwellPrefixOf(track: TrackState, zoneId: string): string {
  const prefixes = track.dwellPrefixes;
  for (let i = 0; i < prefixes.length; i++) if (prefixes[i]!.zoneId === zoneId) return prefixes[i]!.idPrefix;
  const idPrefix = `${track.idPrefix}${zoneId}:`;
  prefixes.push({ zoneId, idPrefix });
  return idPrefix;
}

const EIGHT_DIGITS = 100_000_000;
const ZEROS = ['', '0', '00', '000', '0000', '00000', '000000', '0000000'];

/**
 * `String(n)`, faster for the whole microsecond timestamps of row ids: converting a number beyond
 * the small integers goes through the slow double-to-string path, so the digits are built from two
 * small halves instead.
 */
export function decimal(n: number): string {
  if (!(n >= EIGHT_DIGITS && n <= Number.MAX_SAFE_INTEGER && Number.isInteger(n))) return String(n);
  // Exact: n / 1e8 < 2^27, where doubles lie 2^-26 apart, and a quotient short of a whole number
  // falls short by at least 1e-8, so the division never rounds up to it; the rest is integer arithmetic.
  const high = Math.floor(n / EIGHT_DIGITS);
  const low = n - high * EIGHT_DIGITS;
  const lowDigits = String(low);
  return String(high) + ZEROS[8 - lowDigits.length]! + lowDigits;
}

function lineSideOf(lines: readonly LineSide[], lineId: string): LineSide | undefined {
  for (let i = 0; i < lines.length; i++) if (lines[i]!.lineId === lineId) return lines[i];
  return undefined;
}

function hasZone(camera: CameraInfo, zoneId: string): boolean {
  for (const zone of camera.zones) if (zone.zoneId === zoneId) return true;
  return false;
}

/**
 * Complex-event patterns over tracked detections: zone dwell, checkout-queue alerts and line
 * crossings. Sightings are buffered and replayed in event-time order as the watermark passes them,
 * so the patterns see each track's positions in the order they happened; a sighting arriving
 * behind the patterns' clock is skipped (counted in `lateSkipped`). Timers (track lost, queue
 * alert due) fire in event time at their exact due time, interleaved with sightings.
 *
 * Cost per event is kept to a few cheap steps: sightings wait in reused column slots under a heap
 * by event time alone (ties, a few sightings of one frame, are ordered when released); tracks hang
 * off a per-camera slot by their numeric id; since sightings are applied in event-time order, a
 * track seen is the newest, so tracks stay in a list by last sighting and the next track to be lost
 * is at its head; row ids are built from per-track prefixes. The differential test
 * (patterns.differential.spec.ts) holds it to the rows, order and snapshots of the implementation
 * it replaced (test-support/reference-patterns.ts).
 */
export class PatternDetector {
  private readonly lostAfterUs: number;
  private readonly hysteresis: number;
  private readonly queueMinTracks: number;
  private readonly queueMinDurationUs: number;
  private readonly queueCooldownUs: number;
  /** The buffered sightings' slots by event time. */
  private readonly buffer = new KeyedMinHeap<number>();
  private readonly columns = new SightingColumns();
  /** Slots of one event time being released, in release order (reused). */
  private readonly released: number[] = [];
  /** The sighting being applied (one object, refilled for each). */
  private readonly current: Sighting = { camera: new CameraSlot(''), detectionId: '', storeId: '', ts: 0, trackId: 0, itemName: '', x: 0, y: 0 };
  private readonly cameras = new Map<string, CameraSlot>();
  /** Every track by key, in the order they began (the snapshot's order). */
  private readonly tracks = new Map<string, TrackState>();
  /** The tracks by lastTs, oldest first (ties in any order). */
  private oldest: TrackState | null = null;
  private newest: TrackState | null = null;
  /** Every queue by key, in the order they began (the snapshot's order). */
  private readonly queues = new Map<string, QueueState>();
  /** Queues at or above the threshold without a standing alert: the only ones with a raise timer. */
  private readonly armed = new Set<QueueState>();
  /** The armed queue due first and its due time, valid while `nextRaiseStale` is false. */
  private nextRaise: QueueState | undefined = undefined;
  private nextRaiseDue = Number.POSITIVE_INFINITY;
  private nextRaiseStale = false;
  /** Event time the patterns have reached (the last watermark they were advanced to). */
  private time = NO_WATERMARK;
  /**
   * A lower bound of every track's lastTs, kept exactly as the detector always has: no loss is
   * looked for before this + timeout. (It stops being a bound only when an advance threw and older
   * sightings were applied after newer ones; losses then come late, as they always did.)
   */
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
    const ts = event.frame_ts;
    if (ts <= this.time) {
      this.lateSkipped++;
      return;
    }
    const box = event.bbox;
    const slot = this.columns.add(this.slotOf(event.camera_id), event.detection_id, event.store_id, ts, trackId, event.item_name, box.x + box.w / 2, box.y + box.h);
    this.buffer.push(ts, slot);
  }

  /** Releases sightings up to the watermark in event-time order and fires due timers. */
  advance(watermark: number): void {
    if (watermark <= this.time) return;
    const buffer = this.buffer;
    const columns = this.columns;
    const released = this.released;
    while (buffer.size > 0 && buffer.peekKey() <= watermark) {
      // Every sighting of the earliest event time, in the total order.
      const ts = buffer.peekKey();
      while (buffer.size > 0 && buffer.peekKey() === ts) insertInOrder(columns, released, buffer.pop()!);
      // As if taken one by one: each sighting leaves the buffer before the timers due before it fire.
      let next = 1;
      try {
        this.fireTimersBefore(ts);
        this.applySlot(released[0]!);
        while (next < released.length) this.applySlot(released[next++]!);
      } finally {
        // An output that throws must not lose the sightings not taken yet: back to the buffer.
        for (let i = next; i < released.length; i++) buffer.push(ts, released[i]!);
        while (released.length > 0) released.pop();
      }
    }
    this.fireTimersBefore(watermark);
    this.time = watermark;
  }

  private slotOf(cameraId: string): CameraSlot {
    let slot = this.cameras.get(cameraId);
    if (slot === undefined) {
      slot = new CameraSlot(cameraId);
      this.cameras.set(cameraId, slot);
    }
    return slot;
  }

  /** The camera's geometry in the current reference data; undefined when the camera is not in it. */
  private geometryOf(cameraSlot: CameraSlot, tables: ReferenceTables): CameraGeometry | undefined {
    if (cameraSlot.tables !== tables) {
      const camera = tables.camera(cameraSlot.cameraId);
      cameraSlot.geometry = camera === undefined ? undefined : cameraSlot.geometry?.info === camera ? cameraSlot.geometry : prepareGeometry(camera);
      cameraSlot.tables = tables;
    }
    return cameraSlot.geometry;
  }

  /** Applies the sighting in a slot and frees the slot. */
  private applySlot(slot: number): void {
    const s = this.current;
    this.columns.read(slot, s);
    this.columns.release(slot);
    this.apply(s);
  }

  private apply(s: Sighting): void {
    const tables = this.reference();
    const cameraSlot = s.camera;
    const geometry = this.geometryOf(cameraSlot, tables);
    if (geometry === undefined) {
      this.unknownCameraSkipped++;
      return;
    }
    let track = cameraSlot.tracks.get(s.trackId);
    if (track === undefined) {
      track = this.startTrack(cameraSlot, s.storeId, s.trackId, s.itemName, s.ts);
      if (s.ts < this.lostLowerBound) this.lostLowerBound = s.ts;
    } else {
      track.lastTs = s.ts;
      this.reposition(track);
    }
    track.itemName = s.itemName;
    this.updateZones(track, geometry, s, tables);
    this.updateLines(track, geometry, s, tables);
  }

  private startTrack(slot: CameraSlot, storeId: string, trackId: number, itemName: string, lastTs: number): TrackState {
    const track = this.addTrack(slot, storeId, trackId, itemName, lastTs);
    this.insertByLastTs(track);
    return track;
  }

  /** A new track in the maps, not yet in the list by lastTs. */
  private addTrack(slot: CameraSlot, storeId: string, trackId: number, itemName: string, lastTs: number): TrackState {
    const track: TrackState = {
      key: `${slot.cameraId}${SEP}${trackId}`,
      idPrefix: `${slot.cameraId}:${trackId}:`,
      dwellPrefixes: [],
      camera: slot,
      storeId,
      trackId,
      itemName,
      lastTs,
      stays: [],
      lines: [],
      staysCheckedFor: null,
      older: null,
      newer: null,
      storeTables: undefined,
      store: UNKNOWN_STORE,
    };
    slot.tracks.set(trackId, track);
    this.tracks.set(track.key, track);
    return track;
  }

  /** Puts a track that is in no list yet after the newest track not seen later than it. */
  private insertByLastTs(track: TrackState): void {
    // Sightings are applied in event-time order, so this is normally the end of the list; only a
    // sighting offered while an advance that threw had left the clock behind can land earlier.
    let older = this.newest;
    while (older !== null && older.lastTs > track.lastTs) older = older.older;
    const newer = older === null ? this.oldest : older.newer;
    track.older = older;
    track.newer = newer;
    if (older === null) this.oldest = track;
    else older.newer = track;
    if (newer === null) this.newest = track;
    else newer.older = track;
  }

  /** Moves a track whose lastTs changed to its place in the list. */
  private reposition(track: TrackState): void {
    if (track === this.newest && (track.older === null || track.older.lastTs <= track.lastTs)) return;
    this.unlink(track);
    this.insertByLastTs(track);
  }

  private unlink(track: TrackState): void {
    if (track.older === null) this.oldest = track.newer;
    else track.older.newer = track.newer;
    if (track.newer === null) this.newest = track.older;
    else track.newer.older = track.older;
    track.older = null;
    track.newer = null;
  }

  private storeOf(track: TrackState, tables: ReferenceTables): StoreFields {
    if (track.storeTables !== tables) {
      track.store = tables.store(track.storeId) ?? UNKNOWN_STORE;
      track.storeTables = tables;
    }
    return track.store;
  }

  private updateZones(track: TrackState, geometry: CameraGeometry, s: Sighting, tables: ReferenceTables): void {
    const camera = geometry.info;
    const zones = geometry.zones;
    for (let z = 0; z < zones.length; z++) {
      const { info: zone, prepared } = zones[z]!;
      const inside = preparedPolygonContains(prepared, s.x, s.y);
      const at = indexOfStay(track.stays, zone.zoneId);
      if (inside && at < 0) {
        track.stays.push({ zoneId: zone.zoneId, zoneName: zone.name, zoneKind: zone.kind, enterTs: s.ts, lastInsideTs: s.ts });
        if (zone.kind === 'checkout_queue') this.changeQueue(track, zone.zoneId, zone.name, +1, s.ts, tables);
      } else if (inside) {
        track.stays[at]!.lastInsideTs = s.ts;
      } else if (at >= 0) {
        this.endStay(track, track.stays[at]!, 'exit', s.ts, tables);
      }
    }
    // Zones removed from the camera by a reference update end like exits. Stays begin only in the
    // camera's zones, so this needs a look only when the camera's version changed since the last.
    if (track.staysCheckedFor !== camera) {
      for (let i = 0; i < track.stays.length; ) {
        const stay = track.stays[i]!;
        if (hasZone(camera, stay.zoneId)) i++;
        else this.endStay(track, stay, 'exit', s.ts, tables);
      }
      track.staysCheckedFor = camera;
    }
  }

  private updateLines(track: TrackState, geometry: CameraGeometry, s: Sighting, tables: ReferenceTables): void {
    const lines = geometry.lines;
    for (let l = 0; l < lines.length; l++) {
      const { info: line, prepared } = lines[l]!;
      const distance = preparedSignedDistance(prepared, s.x, s.y);
      const side = distance > this.hysteresis ? 1 : distance < -this.hysteresis ? -1 : 0;
      if (side === 0) continue; // inside the band: jitter, not a side
      const previous = lineSideOf(track.lines, line.lineId);
      if (previous === undefined) {
        track.lines.push({ lineId: line.lineId, idPrefix: `${track.idPrefix}${line.lineId}:`, side, distance, x: s.x, y: s.y });
        continue;
      }
      if (previous.side !== side && crossesSegment(line.a, line.b, previous, s, previous.distance, distance)) {
        const store = this.storeOf(track, tables);
        this.outputs.lineCrossing({
          crossing_id: previous.idPrefix + decimal(s.ts),
          store_id: track.storeId,
          camera_id: track.camera.cameraId,
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

  private endStay(track: TrackState, stay: ZoneStay, endedBy: DwellEndReason, at: number, tables: ReferenceTables): void {
    removeStay(track.stays, stay);
    const store = this.storeOf(track, tables);
    this.outputs.zoneDwell({
      dwell_id: dwellPrefixOf(track, stay.zoneId) + decimal(stay.enterTs),
      store_id: track.storeId,
      camera_id: track.camera.cameraId,
      zone_id: stay.zoneId,
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
    if (stay.zoneKind === 'checkout_queue') this.changeQueue(track, stay.zoneId, stay.zoneName, -1, at, tables);
  }

  private changeQueue(track: TrackState, zoneId: string, zoneName: string, delta: 1 | -1, at: number, tables: ReferenceTables): void {
    const cameraSlot = track.camera;
    let queue = cameraSlot.queues.get(zoneId);
    if (queue === undefined) {
      queue = { key: `${cameraSlot.cameraId}${SEP}${zoneId}`, cameraId: cameraSlot.cameraId, storeId: track.storeId, zoneId, zoneName, count: 0, aboveSince: null, raisedAt: null, lastRaisedAt: null };
      cameraSlot.queues.set(zoneId, queue);
      this.queues.set(queue.key, queue);
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
    if (queue.count === 0 && (queue.lastRaisedAt === null || at - queue.lastRaisedAt >= this.queueCooldownUs)) {
      cameraSlot.queues.delete(zoneId);
      this.queues.delete(queue.key);
    }
  }

  private rearm(queue: QueueState): void {
    if (queue.aboveSince !== null && queue.raisedAt === null) this.armed.add(queue);
    else if (!this.armed.delete(queue)) return;
    this.nextRaiseStale = true;
  }

  private raiseDueOf(queue: QueueState): number {
    if (queue.aboveSince === null || queue.raisedAt !== null) return Number.POSITIVE_INFINITY;
    const sustained = queue.aboveSince + this.queueMinDurationUs;
    return queue.lastRaisedAt === null ? sustained : Math.max(sustained, queue.lastRaisedAt + this.queueCooldownUs);
  }

  /** Finds the armed queue due first (ties by key) when the armed queues changed since the last look. */
  private refreshNextRaise(): void {
    let raise: QueueState | undefined;
    let raiseDue = Number.POSITIVE_INFINITY;
    for (const queue of this.armed) {
      const due = this.raiseDueOf(queue);
      if (due < raiseDue || (due === raiseDue && raise !== undefined && queue.key < raise.key)) {
        raise = queue;
        raiseDue = due;
      }
    }
    this.nextRaise = raise;
    this.nextRaiseDue = raiseDue;
    this.nextRaiseStale = false;
  }

  /** Fires every timer due strictly before `t`, earliest first (track lost before queue raise on ties, then by key). */
  private fireTimersBefore(t: number): void {
    for (;;) {
      if (this.nextRaiseStale) this.refreshNextRaise();
      const raiseDue = this.nextRaiseDue;
      const lost = this.earliestLostTrack(t);
      if (lost !== undefined) {
        const lostDue = lost.lastTs + this.lostAfterUs;
        if (lostDue < t && lostDue <= raiseDue) {
          this.loseTrack(lost, lostDue);
          continue;
        }
      }
      if (raiseDue < t) this.raise(this.nextRaise!, raiseDue);
      else return;
    }
  }

  /** The track to be lost first, if any could be due before `t`. */
  private earliestLostTrack(t: number): TrackState | undefined {
    if (this.lostLowerBound + this.lostAfterUs >= t) return undefined;
    const oldest = this.oldest;
    this.lostLowerBound = oldest === null ? Number.POSITIVE_INFINITY : oldest.lastTs;
    return oldest === null ? undefined : this.firstToLose(oldest);
  }

  /** Among the tracks last seen when `oldest` was, the one with the smallest key. */
  private firstToLose(oldest: TrackState): TrackState {
    let first = oldest;
    for (let track = oldest.newer; track !== null && track.lastTs === oldest.lastTs; track = track.newer) if (track.key < first.key) first = track;
    return first;
  }

  private loseTrack(track: TrackState, at: number): void {
    const tables = this.reference();
    while (track.stays.length > 0) this.endStay(track, track.stays[0]!, 'track_lost', at, tables);
    this.unlink(track);
    track.camera.tracks.delete(track.trackId);
    this.tracks.delete(track.key);
    this.lostLowerBound = NO_WATERMARK; // recomputed on the next check
  }

  private raise(queue: QueueState, at: number): void {
    queue.raisedAt = at;
    queue.lastRaisedAt = at;
    this.armed.delete(queue);
    this.nextRaiseStale = true;
    this.emitAlert(queue, 'raised', at, queue.aboveSince ?? at, this.reference());
  }

  private emitAlert(queue: QueueState, state: 'raised' | 'cleared', at: number, since: number, tables: ReferenceTables): void {
    const store: StoreFields = tables.store(queue.storeId) ?? UNKNOWN_STORE;
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
    const columns = this.columns;
    const slots = this.buffer.values().sort((a, b) => (columns.before(a, b) ? -1 : columns.before(b, a) ? 1 : 0));
    const s = { ...this.current };
    return {
      time: this.time === NO_WATERMARK ? null : this.time,
      buffer: slots.map((slot) => {
        columns.read(slot, s);
        return [s.detectionId, s.camera.cameraId, s.storeId, s.ts, s.trackId, s.itemName, s.x, s.y];
      }),
      tracks: [...this.tracks.values()].map((t) => [
        t.camera.cameraId,
        t.storeId,
        t.trackId,
        t.itemName,
        t.lastTs,
        t.stays.map((z) => [z.zoneId, z.zoneName, z.zoneKind, z.enterTs, z.lastInsideTs]),
        t.lines.map((l) => [l.lineId, l.side, l.distance, l.x, l.y]),
      ]),
      queues: [...this.queues.values()].map((q) => [q.cameraId, q.storeId, q.zoneId, q.zoneName, q.count, q.aboveSince, q.raisedAt, q.lastRaisedAt]),
    };
  }

  restore(snapshot: PatternSnapshot): void {
    if (!Array.isArray(snapshot?.buffer) || !Array.isArray(snapshot.tracks) || !Array.isArray(snapshot.queues))
      throw new StreamComputeError('INVALID_SNAPSHOT', 'pattern snapshot: expected buffer, tracks and queues arrays');
    this.time = snapshot.time ?? NO_WATERMARK;
    this.buffer.clear();
    this.columns.clear();
    this.cameras.clear();
    for (const [detectionId, cameraId, storeId, ts, trackId, itemName, x, y] of snapshot.buffer)
      this.buffer.push(ts, this.columns.add(this.slotOf(cameraId), detectionId, storeId, ts, trackId, itemName, x, y));
    this.tracks.clear();
    this.oldest = null;
    this.newest = null;
    for (const [cameraId, storeId, trackId, itemName, lastTs, zones, lines] of snapshot.tracks) {
      const track = this.addTrack(this.slotOf(cameraId), storeId, trackId, itemName, lastTs);
      track.stays = zones.map(([zoneId, zoneName, zoneKind, enterTs, lastInsideTs]) => ({ zoneId, zoneName, zoneKind, enterTs, lastInsideTs }));
      track.lines = lines.map(([lineId, side, distance, x, y]) => ({ lineId, idPrefix: `${track.idPrefix}${lineId}:`, side, distance, x, y }));
    }
    // The list by lastTs, built in that order so each track joins at its end (the snapshot lists
    // tracks in the order they began).
    for (const track of [...this.tracks.values()].sort((a, b) => a.lastTs - b.lastTs)) this.insertByLastTs(track);
    this.queues.clear();
    this.armed.clear();
    for (const [cameraId, storeId, zoneId, zoneName, count, aboveSince, raisedAt, lastRaisedAt] of snapshot.queues) {
      const queue: QueueState = { key: `${cameraId}${SEP}${zoneId}`, cameraId, storeId, zoneId, zoneName, count, aboveSince, raisedAt, lastRaisedAt };
      this.slotOf(cameraId).queues.set(zoneId, queue);
      this.queues.set(queue.key, queue);
      this.rearm(queue);
    }
    this.nextRaiseStale = true;
    this.lostLowerBound = NO_WATERMARK;
  }
}
