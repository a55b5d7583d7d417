import { seededRandom } from '@retail/runtime';
import type { DetectionEvent } from '@retail/schema';
import { ReferenceTables } from '../reference-join';
import { camera, detection, NOW_MS, SECOND_US, store, T0 } from './fixtures';

export type Step = { kind: 'event'; event: DetectionEvent; nowMs: number } | { kind: 'tick'; nowMs: number };

export interface ScenarioOptions {
  cameras: number;
  eventsPerCamera: number;
  /** Delivery may trail event time by up to this (bounded disorder), microseconds. */
  maxDelayUs: number;
  /** Share of events delivered a second time (redelivery). */
  duplicateRate: number;
  /** Share of events delivered far too late (beyond any lateness). */
  veryLateRate: number;
  /** Share of events from a camera that is not in the reference data. */
  unknownCameraRate: number;
  /** Share of events failing a quality check. */
  badQualityRate: number;
  /** Processing-time gap (ms) inserted now and then, so cameras go idle; 0 for none. */
  idleGapMs: number;
}

const ITEMS = ['person', 'bottle', 'cart'];
/** Positions that fall inside, outside and on both sides of the geometry of `scenarioReference`. */
const SPOTS: readonly [number, number][] = [
  [0.2, 0.2],
  [0.3, 0.35],
  [0.6, 0.6],
  [0.5, 0.75],
  [0.5, 0.85],
  [0.9, 0.9],
];

/** Two stores; cameras cam-1..cam-n alternate between them, each with a queue zone, a shelf zone and a line. */
export function scenarioReference(cameras: number): ReferenceTables {
  const geometry = {
    zones: [
      { zone_id: 'queue', name: 'Queue', kind: 'checkout_queue' as const, polygon: [{ x: 0.1, y: 0.1 }, { x: 0.4, y: 0.1 }, { x: 0.4, y: 0.4 }, { x: 0.1, y: 0.4 }] },
      { zone_id: 'shelf', name: 'Shelf', kind: 'shelf' as const, polygon: [{ x: 0.2, y: 0.2 }, { x: 0.8, y: 0.2 }, { x: 0.5, y: 0.5 }, { x: 0.8, y: 0.8 }, { x: 0.2, y: 0.8 }] },
    ],
    lines: [{ line_id: 'door', name: 'Door', a: { x: 0.1, y: 0.8 }, b: { x: 0.9, y: 0.8 } }],
  };
  return new ReferenceTables(
    [store('store-1'), store('store-2')],
    Array.from({ length: cameras }, (_, i) => camera(`cam-${i + 1}`, `store-${(i % 2) + 1}`, geometry)),
  );
}

/** Detections of several cameras, delivered in a bounded-disorder order with the requested defects. */
export function randomScenario(seed: number, options: ScenarioOptions): Step[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const deliveries: { at: number; event: DetectionEvent }[] = [];
  for (let c = 1; c <= options.cameras; c++) {
    let ts = T0 + Math.floor(random() * 5 * SECOND_US);
    for (let i = 0; i < options.eventsPerCamera; i++) {
      ts += Math.floor(random() * 1.5 * SECOND_US);
      const [x, y] = pick(SPOTS);
      const unknown = random() < options.unknownCameraRate;
      const bad = random() < options.badQualityRate;
      const event = detection({
        detection_id: `cam-${c}:${ts}:${i}`,
        camera_id: unknown ? 'cam-unknown' : `cam-${c}`,
        store_id: `store-${((c - 1) % 2) + 1}`,
        frame_ts: ts,
        published_ts: ts + 30_000,
        track_id: random() < 0.15 ? null : Math.floor(random() * 4),
        item_name: pick(ITEMS),
        confidence: bad ? 1.5 : 0.5,
        bbox: { x: x - 0.01, y: y - 0.05, w: 0.02, h: 0.05 },
      });
      const delay = random() < options.veryLateRate ? 120 * SECOND_US : Math.floor(random() * options.maxDelayUs);
      deliveries.push({ at: ts + delay, event });
      if (random() < options.duplicateRate) deliveries.push({ at: ts + delay + Math.floor(random() * 10 * SECOND_US), event: { ...event } });
    }
  }
  deliveries.sort((a, b) => a.at - b.at || a.event.detection_id.localeCompare(b.event.detection_id));
  const steps: Step[] = [];
  let nowMs = NOW_MS;
  for (const { event } of deliveries) {
    nowMs += 1 + Math.floor(random() * 20);
    if (options.idleGapMs > 0 && random() < 0.01) {
      nowMs += options.idleGapMs;
      steps.push({ kind: 'tick', nowMs });
    }
    steps.push({ kind: 'event', event, nowMs });
  }
  return steps;
}
