// Deterministic synthetic detection sequences for tracker tests and benchmarks: objects walk
// across a frame, cross each other, are occluded for a while, enter and leave; every detection
// carries a jittered box and an appearance embedding close to its object's own.

import { seededRandom } from '@retail/runtime';

export interface ScenarioDetection {
  tlwh: [number, number, number, number];
  confidence: number;
  feature: number[];
  /** Object the detection came from; null for clutter (false positives). */
  truthId: number | null;
}

export interface ScenarioFrame {
  detections: ScenarioDetection[];
  /** Every object present in the frame (occluded ones too), with its true box. */
  truth: { id: number; tlwh: [number, number, number, number] }[];
}

export interface ScenarioSpec {
  seed: number;
  frames: number;
  objects: number;
  /** Width and height of the frame in pixels. */
  frameSize?: [number, number];
  featureLength?: number;
  /** Chance per object and frame that an occlusion of 2–12 frames starts. */
  occlusionRate?: number;
  /** Clutter detections per frame on average. */
  clutterRate?: number;
  /** Pairs of objects forced to walk through each other in the middle of the frame. */
  crossings?: number;
  boxJitter?: number;
  featureNoise?: number;
  /** Every object stays for the whole sequence (benchmarks: a steady number of detections per frame). */
  allPresent?: boolean;
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function unitVector(random: () => number, length: number): number[] {
  const vector = Array.from({ length }, () => gaussian(random));
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}

interface ScriptedObject {
  id: number;
  enter: number;
  leave: number;
  start: [number, number];
  velocity: [number, number];
  size: [number, number];
  appearance: number[];
  occludedFrames: Set<number>;
}

export function generateScenario(spec: ScenarioSpec): ScenarioFrame[] {
  const random = seededRandom(spec.seed);
  const [frameWidth, frameHeight] = spec.frameSize ?? [1280, 720];
  const featureLength = spec.featureLength ?? 32;
  const occlusionRate = spec.occlusionRate ?? 0.01;
  const clutterRate = spec.clutterRate ?? 0.2;
  const crossings = spec.crossings ?? 1;
  const boxJitter = spec.boxJitter ?? 1.5;
  const featureNoise = spec.featureNoise ?? 0.02;

  const objects: ScriptedObject[] = [];
  for (let id = 1; id <= spec.objects; id++) {
    const height = 90 + random() * 110;
    const width = height * (0.35 + random() * 0.15);
    const enter = spec.allPresent ? 0 : Math.floor(random() * spec.frames * 0.5);
    const leave = spec.allPresent ? spec.frames : Math.min(spec.frames, enter + Math.floor(spec.frames * (0.3 + random() * 0.6)));
    objects.push({
      id,
      enter,
      leave,
      start: [random() * (frameWidth - width), random() * (frameHeight - height)],
      velocity: [(random() - 0.5) * 8, (random() - 0.5) * 4],
      size: [width, height],
      appearance: unitVector(random, featureLength),
      occludedFrames: new Set(),
    });
  }
  // Crossings: two objects start on opposite sides at the same height and meet mid-frame.
  for (let pair = 0; pair < crossings && 2 * pair + 1 < objects.length; pair++) {
    const a = objects[2 * pair]!;
    const b = objects[2 * pair + 1]!;
    const meetAt = Math.floor(spec.frames / 2);
    const y = frameHeight * (0.3 + 0.4 * random());
    const speed = 4 + random() * 3;
    a.enter = b.enter = Math.max(0, meetAt - 40);
    a.leave = b.leave = Math.min(spec.frames, meetAt + 40);
    a.velocity = [speed, 0];
    b.velocity = [-speed, 0];
    a.start = [frameWidth / 2 - speed * (meetAt - a.enter) - a.size[0] / 2, y];
    b.start = [frameWidth / 2 + speed * (meetAt - b.enter) - b.size[0] / 2, y + 6];
    // The one behind is hidden while they overlap.
    for (let frame = meetAt - 3; frame <= meetAt + 3; frame++) b.occludedFrames.add(frame);
  }
  for (const object of objects) {
    for (let frame = object.enter + 5; frame < object.leave; frame++) {
      if (random() >= occlusionRate) continue;
      const length = 2 + Math.floor(random() * 11);
      for (let k = 0; k < length; k++) object.occludedFrames.add(frame + k);
      frame += length;
    }
  }

  const frames: ScenarioFrame[] = [];
  for (let frame = 0; frame < spec.frames; frame++) {
    const detections: ScenarioDetection[] = [];
    const truth: ScenarioFrame['truth'] = [];
    for (const object of objects) {
      if (frame < object.enter || frame >= object.leave) continue;
      const t = frame - object.enter;
      const tlwh: [number, number, number, number] = [object.start[0] + object.velocity[0] * t, object.start[1] + object.velocity[1] * t, object.size[0], object.size[1]];
      truth.push({ id: object.id, tlwh });
      if (object.occludedFrames.has(frame)) continue;
      const noisy: [number, number, number, number] = [
        tlwh[0] + gaussian(random) * boxJitter,
        tlwh[1] + gaussian(random) * boxJitter,
        Math.max(4, tlwh[2] + gaussian(random) * boxJitter),
        Math.max(4, tlwh[3] + gaussian(random) * boxJitter),
      ];
      detections.push({ tlwh: noisy, confidence: 0.5 + 0.5 * random(), feature: noisyFeature(random, object.appearance, featureNoise), truthId: object.id });
    }
    const clutter = random() < clutterRate ? 1 : 0;
    for (let k = 0; k < clutter; k++) {
      const height = 60 + random() * 100;
      detections.push({
        tlwh: [random() * (frameWidth - 60), random() * (frameHeight - height), height * 0.4, height],
        confidence: 0.3 + 0.2 * random(),
        feature: unitVector(random, featureLength),
        truthId: null,
      });
    }
    frames.push({ detections: shuffled(random, detections), truth });
  }
  return frames;
}

function noisyFeature(random: () => number, base: readonly number[], noise: number): number[] {
  const feature = base.map((value) => value + gaussian(random) * noise);
  const norm = Math.hypot(...feature);
  return feature.map((value) => value / norm);
}

function shuffled<T>(random: () => number, items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
