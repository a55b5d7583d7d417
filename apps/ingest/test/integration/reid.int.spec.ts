import './detection-jest-realm';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CameraTracker } from '../../src/tracking/camera-tracker';
import type { FeatureExtractor, ImageFrame } from '../../src/tracking/appearance/feature-extractor';
import { DEFAULT_REID_MEAN, DEFAULT_REID_STD, ReidOnnxExtractor } from '../../src/tracking/appearance/reid-onnx-extractor';
import type { Tlwh } from '../../src/tracking/box';
import { SYNTHETIC_REID_STRIPES, writeSyntheticReid } from '../../src/models/synthetic-reid';

// The ReID extractor on onnxruntime with the synthetic ReID-shaped model (stripe colour means, no learned weights):
// the crop → tensor → model → feature path, batching, and the tracker's appearance cascade running on its features.
// It says nothing about how well a trained ReID network tells people apart (see src/detection/README.md).

type Rgb = readonly [number, number, number];
const RED: Rgb = [220, 30, 30];
const BLUE: Rgb = [30, 30, 220];
const WIDTH = 320;
const HEIGHT = 240;

/** A grey frame with upright people painted as solid rectangles. */
function scene(people: ReadonlyArray<{ box: Tlwh; rgb: Rgb }>): ImageFrame {
  const data = new Uint8Array(WIDTH * HEIGHT * 3).fill(128);
  for (const { box, rgb } of people)
    for (let y = box[1]; y < box[1] + box[3]; y++) for (let x = box[0]; x < box[0] + box[2]; x++) data.set(rgb, (y * WIDTH + x) * 3);
  return { width: WIDTH, height: HEIGHT, channels: 3, data };
}

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);

let dir: string;
let identityModel: string;
let embeddingModel: string;
let staticModel: string;
const extractors: ReidOnnxExtractor[] = [];

async function load(modelUri: string): Promise<ReidOnnxExtractor> {
  const extractor = await ReidOnnxExtractor.load({ modelUri, modelCacheDir: path.join(dir, 'cache'), intraOpThreads: 1 });
  extractors.push(extractor);
  return extractor;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'reid-int-'));
  identityModel = await writeSyntheticReid(path.join(dir, 'identity.onnx'), { projection: 'identity' });
  embeddingModel = await writeSyntheticReid(path.join(dir, 'embedding.onnx'));
  staticModel = await writeSyntheticReid(path.join(dir, 'static.onnx'), { dynamicBatch: false });
});

afterAll(async () => {
  for (const extractor of extractors) await extractor.close();
  await rm(dir, { recursive: true, force: true });
});

describe('ReidOnnxExtractor on onnxruntime (synthetic ReID-shaped model)', () => {
  it('reads the 128×64 input and the embedding length from the model', async () => {
    const extractor = await load(embeddingModel);
    expect(extractor.info).toMatchObject({ inputWidth: 64, inputHeight: 128, dynamicBatch: true, featureLength: 128, modelVersion: 'synthetic-reid-1-random' });
  });

  it('feeds the crop, normalised with ImageNet statistics, and L2-normalises what the model returns', async () => {
    const extractor = await load(identityModel);
    // A 64×128 person (no resize needed): red top half, blue bottom half. Stripes 0-3 see red, 4-7 blue.
    const box: Tlwh = [100, 50, 64, 128];
    const frame = scene([
      { box: [100, 50, 64, 64], rgb: [255, 0, 0] },
      { box: [100, 114, 64, 64], rgb: [0, 0, 255] },
    ]);
    const [feature] = await extractor.extract(frame, [box]);
    const normalised = (value: number, channel: number) => (value / 255 - DEFAULT_REID_MEAN[channel]!) / DEFAULT_REID_STD[channel]!;
    const half = SYNTHETIC_REID_STRIPES / 2;
    const stripes = (top: number, bottom: number, channel: number) => [...new Array(half).fill(normalised(top, channel)), ...new Array(half).fill(normalised(bottom, channel))];
    const raw = [...stripes(255, 0, 0), ...stripes(0, 0, 1), ...stripes(0, 255, 2)];
    const length = Math.hypot(...raw);
    expect(Array.from(feature!)).toEqual(raw.map((value) => expect.closeTo(value / length, 5)));
  });

  it('runs all crops of a frame in one call; each feature is what its crop alone gives; a fixed batch of 1 agrees', async () => {
    const dynamic = await load(embeddingModel);
    const fixedBatch = await load(staticModel);
    const frame = scene([
      { box: [20, 40, 30, 120], rgb: RED },
      { box: [120, 40, 30, 120], rgb: BLUE },
      { box: [220, 60, 40, 100], rgb: [30, 200, 30] },
    ]);
    const boxes: Tlwh[] = [
      [20, 40, 30, 120],
      [120, 40, 30, 120],
      [220, 60, 40, 100],
      [25, 45, 30, 110],
      [-50, 10, 20, 60],
    ];
    const runsBefore = dynamic.stats.runs;
    const together = await dynamic.extract(frame, boxes);
    expect(dynamic.stats.runs - runsBefore).toBe(1);
    for (const [index, box] of boxes.entries()) {
      const [alone] = await dynamic.extract(frame, [box]);
      expect(cosine(together[index]!, alone!)).toBeCloseTo(1, 5);
    }
    const oneByOne = await fixedBatch.extract(frame, boxes);
    expect(fixedBatch.info).toMatchObject({ batchSize: 1, dynamicBatch: false });
    oneByOne.forEach((feature, index) => expect(cosine(feature, together[index]!)).toBeCloseTo(1, 5));
    // Differently dressed people are far apart for the tracker's cosine threshold (0.2); the same person is not.
    expect(1 - cosine(together[0]!, together[1]!)).toBeGreaterThan(0.2);
    expect(1 - cosine(together[0]!, together[3]!)).toBeLessThan(0.2);
  });

  it('lets the tracker keep identities by appearance when two people swap places after a gap', async () => {
    const blind: FeatureExtractor = { name: 'blind', featureLength: 2, extract: async (_frame, boxes) => boxes.map(() => Float32Array.of(Math.SQRT1_2, Math.SQRT1_2)) };
    const colourOfTrack = async (extractor: FeatureExtractor) => {
      const tracker = new CameraTracker({ extractor });
      let frameIndex = 0;
      const step = async (people: ReadonlyArray<{ box: Tlwh; rgb: Rgb }>) => {
        const detections = people.map(({ box }) => ({ tlwh: box, confidence: 0.9, classId: 0, className: 'person' }));
        const frame = { timestampUs: frameIndex++ * 100_000, width: WIDTH, height: HEIGHT, image: scene(people) };
        const { tracks } = await tracker.track(frame, detections);
        return new Map(tracks.filter((track) => track.detectionIndex !== null).map((track) => [track.trackId, people[track.detectionIndex!]!.rgb]));
      };
      const left: Tlwh = [100, 60, 30, 120];
      const right: Tlwh = [135, 60, 30, 120];
      for (let i = 0; i < 4; i++) await step([{ box: left, rgb: RED }, { box: right, rgb: BLUE }]);
      for (let i = 0; i < 3; i++) await step([]); // both hidden: on return only the appearance cascade can match them
      return step([{ box: left, rgb: BLUE }, { box: right, rgb: RED }]);
    };
    const withReid = await colourOfTrack(await load(embeddingModel));
    expect([withReid.get(1), withReid.get(2)]).toEqual([RED, BLUE]);
    // Control: without appearance information the same frames swap the identities (positions decide).
    const withoutAppearance = await colourOfTrack(blind);
    expect([withoutAppearance.get(1), withoutAppearance.get(2)]).toEqual([BLUE, RED]);
  });

  it('a model file that does not exist is an error naming the setting', async () => {
    await expect(load(path.join(dir, 'missing.onnx'))).rejects.toMatchObject({ code: 'model-unavailable', message: expect.stringMatching(/REID_MODEL_URI/) });
  });
});
