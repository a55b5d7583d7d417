import { detectionIdOf, DetectionEvent, type Camera, type Store } from '@retail/schema';
import { seededRandom } from '@retail/runtime';

/**
 * A synthetic retail scene for the demo, end-to-end tests and benchmarks: stores, cameras with
 * zones and counting lines, and the detections a YOLOv8 + DeepSort edge would publish for
 * shoppers walking through each camera's view. Deterministic for a given seed.
 */
export interface SceneOptions {
  seed: number;
  stores: number;
  /** First frame's capture time, microseconds UTC. */
  startUs: number;
  durationS: number;
  fps: number;
  /** Mean number of shoppers entering each camera's view per minute. */
  shoppersPerMinute: number;
}

export const DEFAULT_SCENE: SceneOptions = {
  seed: 7,
  stores: 3,
  startUs: Date.UTC(2026, 10, 21, 9, 0, 0) * 1000,
  durationS: 60,
  fps: 5,
  shoppersPerMinute: 12,
};

const CITIES = [
  { city: 'Lisbon', region: 'PT-11', lat: 38.72, lon: -9.14, timezone: 'Europe/Lisbon' },
  { city: 'Porto', region: 'PT-13', lat: 41.15, lon: -8.61, timezone: 'Europe/Lisbon' },
  { city: 'Madrid', region: 'ES-MD', lat: 40.42, lon: -3.7, timezone: 'Europe/Madrid' },
  { city: 'Lyon', region: 'FR-ARA', lat: 45.76, lon: 4.84, timezone: 'Europe/Paris' },
] as const;

interface DetectedItem {
  classId: number;
  name: string;
}

/** Things a shopper may carry, with their COCO class ids. */
const CARRIED_ITEMS: readonly DetectedItem[] = [
  { classId: 39, name: 'bottle' },
  { classId: 41, name: 'cup' },
  { classId: 24, name: 'backpack' },
  { classId: 26, name: 'handbag' },
];
const PERSON: DetectedItem = { classId: 0, name: 'person' };

export interface Scene {
  stores: Store[];
  cameras: Camera[];
  /** Detections in capture order per camera (cameras interleaved frame by frame). */
  detections: DetectionEvent[];
}

const pad = (n: number) => String(n).padStart(3, '0');

export function buildReference(options: Pick<SceneOptions, 'stores'>): Pick<Scene, 'stores' | 'cameras'> {
  const stores: Store[] = [];
  const cameras: Camera[] = [];
  for (let i = 1; i <= options.stores; i++) {
    const place = CITIES[(i - 1) % CITIES.length]!;
    const storeId = `store-${pad(i)}`;
    stores.push({ store_id: storeId, name: `${place.city} ${i}`, city: place.city, region: place.region, lat: place.lat, lon: place.lon, timezone: place.timezone });
    cameras.push({
      camera_id: `${storeId}-entrance`,
      store_id: storeId,
      name: 'Entrance',
      zones: [{ zone_id: 'door', name: 'Door', kind: 'entrance', polygon: [{ x: 0.3, y: 0.5 }, { x: 0.7, y: 0.5 }, { x: 0.7, y: 1 }, { x: 0.3, y: 1 }] }],
      lines: [{ line_id: 'threshold', name: 'Threshold', a: { x: 0, y: 0.75 }, b: { x: 1, y: 0.75 } }],
    });
    cameras.push({
      camera_id: `${storeId}-checkout`,
      store_id: storeId,
      name: 'Checkout',
      zones: [{ zone_id: 'queue-1', name: 'Queue 1', kind: 'checkout_queue', polygon: [{ x: 0.1, y: 0.2 }, { x: 0.5, y: 0.2 }, { x: 0.5, y: 0.9 }, { x: 0.1, y: 0.9 }] }],
      lines: [],
    });
  }
  return { stores, cameras };
}

interface Walker {
  trackId: number;
  enterFrame: number;
  frames: number;
  from: { x: number; y: number };
  to: { x: number; y: number };
  carried: DetectedItem | undefined;
}

function walkersFor(random: () => number, totalFrames: number, fps: number, perMinute: number): Walker[] {
  const walkers: Walker[] = [];
  const perFrame = perMinute / 60 / fps;
  let trackId = 1;
  for (let frame = 0; frame < totalFrames; frame++) {
    if (random() >= perFrame) continue;
    const frames = Math.max(3, Math.round(fps * (4 + random() * 8)));
    walkers.push({
      trackId: trackId++,
      enterFrame: frame,
      frames,
      from: { x: 0.05 + random() * 0.2, y: 0.3 + random() * 0.2 },
      to: { x: 0.6 + random() * 0.2, y: 0.45 + random() * 0.2 },
      carried: random() < 0.4 ? CARRIED_ITEMS[Math.floor(random() * CARRIED_ITEMS.length)] : undefined,
    });
  }
  return walkers;
}

/** Builds the whole scene in memory (sized for demos and tests: minutes of a few cameras). */
export function buildScene(options: SceneOptions = DEFAULT_SCENE): Scene {
  const { stores, cameras } = buildReference(options);
  const random = seededRandom(options.seed);
  const totalFrames = Math.round(options.durationS * options.fps);
  const frameUs = Math.round(1_000_000 / options.fps);
  const walkersByCamera = cameras.map((camera) => ({ camera, walkers: walkersFor(random, totalFrames, options.fps, options.shoppersPerMinute) }));
  const detections: DetectionEvent[] = [];
  for (let frame = 0; frame < totalFrames; frame++) {
    const frameTs = options.startUs + frame * frameUs;
    for (const { camera, walkers } of walkersByCamera) {
      let index = 0;
      for (const walker of walkers) {
        const step = frame - walker.enterFrame;
        if (step < 0 || step >= walker.frames) continue;
        const progress = step / walker.frames;
        const x = walker.from.x + (walker.to.x - walker.from.x) * progress;
        const y = walker.from.y + (walker.to.y - walker.from.y) * progress;
        // The tracker follows a carried item as an object of its own: odd track ids for people, even for their items.
        const objects = [{ item: PERSON, trackId: walker.trackId * 2 - 1, box: { x, y, w: 0.12, h: 0.3 } }];
        if (walker.carried) objects.push({ item: walker.carried, trackId: walker.trackId * 2, box: { x: x + 0.07, y: y + 0.15, w: 0.04, h: 0.06 } });
        for (const { item, trackId, box } of objects) {
          detections.push({
            detection_id: detectionIdOf(camera.camera_id, frameTs, index++),
            camera_id: camera.camera_id,
            store_id: camera.store_id,
            frame_ts: frameTs,
            published_ts: frameTs + 40_000,
            frame_seq: frame,
            track_id: trackId,
            class_id: item.classId,
            item_name: item.name,
            confidence: Math.round((0.55 + random() * 0.44) * 1000) / 1000,
            bbox: box,
            frame_width: 1280,
            frame_height: 720,
            model_name: 'yolov8n',
            model_version: 'synthetic-scene',
            schema_version: DetectionEvent.version,
          });
        }
      }
    }
  }
  return { stores, cameras, detections };
}
