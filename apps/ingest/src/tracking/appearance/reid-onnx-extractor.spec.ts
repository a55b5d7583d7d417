import type { ImageFrame } from './feature-extractor';
import { normaliseReidOptions, ReidOnnxExtractor, type ReidSession } from './reid-onnx-extractor';

/**
 * A stand-in for onnxruntime: each output row is the mean of each input plane of its crop, so a
 * feature says which crop it came from. Records the batch of every run.
 */
function fakeSession(inputDims: ReadonlyArray<number | string>) {
  const runs: number[][] = [];
  const session: ReidSession & { released: boolean } = {
    inputDims,
    released: false,
    async run(input, dims) {
      runs.push([...dims]);
      const [batch, , height, width] = dims;
      const plane = height * width;
      const data = new Float32Array(batch * 3);
      for (let slot = 0; slot < batch; slot++)
        for (let channel = 0; channel < 3; channel++) {
          let sum = 0;
          for (let i = 0; i < plane; i++) sum += input[(slot * 3 + channel) * plane + i]!;
          data[slot * 3 + channel] = sum / plane;
        }
      return { data, dims: [batch, 3] };
    },
    async release() {
      session.released = true;
    },
  };
  return { session, runs };
}

const MODEL = { modelUri: 'reid.onnx', modelVersion: 'test' };
/** Identity normalisation: inputs are pixel / 255. */
const UNIT = normaliseReidOptions({ mean: [0, 0, 0], std: [1, 1, 1] });

/** Three vertical bands: red, green, blue, each 100 px wide. */
function bands(): ImageFrame {
  const width = 300;
  const height = 200;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[(y * width + x) * 3 + Math.floor(x / 100)] = 255;
  return { width, height, channels: 3, data };
}
const RED_BOX = [30, 20, 40, 80] as const;
const GREEN_BOX = [130, 20, 40, 80] as const;
const BLUE_BOX = [230, 20, 40, 80] as const;

describe('ReidOnnxExtractor', () => {
  it('reads the input size from the model and the feature length from a warm-up run', async () => {
    const { session, runs } = fakeSession(['batch', 3, 32, 16]);
    const extractor = await ReidOnnxExtractor.open(session, MODEL, UNIT);
    expect(extractor.info).toMatchObject({ inputWidth: 16, inputHeight: 32, dynamicBatch: true, batchSize: 100, featureLength: 3 });
    expect(extractor.featureLength).toBe(3);
    expect(extractor.name).toBe('reid:reid');
    expect(runs).toEqual([[1, 3, 32, 16]]);
  });

  it("uses DeepSORT's 128×64 patch when the model leaves height and width symbolic", async () => {
    const { session } = fakeSession(['n', 3, 'h', 'w']);
    const extractor = await ReidOnnxExtractor.open(session, MODEL, UNIT);
    expect([extractor.info.inputHeight, extractor.info.inputWidth]).toEqual([128, 64]);
  });

  it('runs all crops of a frame in one batch and returns L2-normalised features in box order', async () => {
    const { session, runs } = fakeSession(['batch', 3, 32, 16]);
    const extractor = await ReidOnnxExtractor.open(session, MODEL, UNIT);
    const features = await extractor.extract(bands(), [GREEN_BOX, RED_BOX, BLUE_BOX, GREEN_BOX]);
    expect(runs.slice(1)).toEqual([[4, 3, 32, 16]]);
    expect(features.map((f) => Array.from(f, (v) => +v.toFixed(6)))).toEqual([
      [0, 1, 0],
      [1, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
    ]);
    expect(extractor.stats).toMatchObject({ crops: 4, runs: 1 });
  });

  it('splits a busy frame into runs of the configured maximum', async () => {
    const { session, runs } = fakeSession(['batch', 3, 32, 16]);
    const extractor = await ReidOnnxExtractor.open(session, MODEL, normaliseReidOptions({ mean: [0, 0, 0], std: [1, 1, 1], maxBatchSize: 2 }));
    const features = await extractor.extract(bands(), [RED_BOX, GREEN_BOX, BLUE_BOX, RED_BOX, GREEN_BOX]);
    expect(runs.slice(1).map((dims) => dims[0])).toEqual([2, 2, 1]);
    expect(features.map((f) => f.indexOf(Math.max(...f)))).toEqual([0, 1, 2, 0, 1]);
  });

  it('fills a fixed batch with blank crops and keeps only the real ones', async () => {
    const { session, runs } = fakeSession([4, 3, 32, 16]);
    const extractor = await ReidOnnxExtractor.open(session, MODEL, UNIT);
    expect(extractor.info).toMatchObject({ batchSize: 4, dynamicBatch: false });
    const features = await extractor.extract(bands(), [BLUE_BOX, RED_BOX, GREEN_BOX, BLUE_BOX, RED_BOX]);
    expect(runs.map((dims) => dims[0])).toEqual([4, 4, 4]);
    expect(features.map((f) => f.indexOf(Math.max(...f)))).toEqual([2, 0, 1, 2, 0]);
  });

  it('normalises pixels with the configured mean and std before the model sees them', async () => {
    const { session } = fakeSession(['batch', 3, 32, 16]);
    const extractor = await ReidOnnxExtractor.open(session, MODEL, normaliseReidOptions({ mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] }));
    // A red crop becomes (1, -1, -1) before L2 normalisation.
    const [feature] = await extractor.extract(bands(), [RED_BOX]);
    expect(Array.from(feature!, (v) => +v.toFixed(5))).toEqual([0.57735, -0.57735, -0.57735]);
  });

  it('does not run the model for a frame without detections', async () => {
    const { session, runs } = fakeSession(['batch', 3, 32, 16]);
    const extractor = await ReidOnnxExtractor.open(session, MODEL, UNIT);
    expect(await extractor.extract(bands(), [])).toEqual([]);
    expect(runs).toHaveLength(1);
  });

  it('refuses a model that is not image-in, embedding-out, and releases its session', async () => {
    const { session } = fakeSession(['batch', 128]);
    await expect(ReidOnnxExtractor.open(session, MODEL, UNIT)).rejects.toMatchObject({ code: 'invalid-model', message: expect.stringMatching(/expected \[batch, 3, height, width\]/) });
    expect(session.released).toBe(true);
  });

  it('names the config key of a bad option', () => {
    expect(() => normaliseReidOptions({ std: [0.2, 0, 0.2] })).toThrow(/tracker\.reidStd \(REID_STD\).*three positive numbers/);
    expect(() => normaliseReidOptions({ mean: [0.5] })).toThrow(/tracker\.reidMean/);
    expect(() => normaliseReidOptions({ maxBatchSize: 0 })).toThrow(/tracker\.reidMaxBatchSize/);
  });
});
