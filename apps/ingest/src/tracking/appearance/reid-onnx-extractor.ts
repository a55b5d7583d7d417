// Appearance embeddings from a ReID network (ONNX, onnxruntime-node): every detection of a frame
// is cropped, resized to the model's input and normalised, all crops go through the model in one
// run (in chunks of the model's batch size), and each output row, L2-normalised, is the feature.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import * as ort from 'onnxruntime-node';
import { resolveModel } from '../../detection/model-source';
import { readOnnxMetadata } from '../../detection/onnx-metadata';
import type { Tlwh } from '../box';
import { TrackingError } from '../errors';
import { l2Normalise, type FeatureExtractor, type ImageFrame } from './feature-extractor';
import { checkImageFrame, patchWindowOf, writePatch, type PatchNormalisation } from './reid-patch';
import { SerialRuns } from '../../util/serial-runs';

/** ImageNet statistics: what the common PyTorch DeepSORT ReID networks were trained with (RGB, [0, 1] units). */
export const DEFAULT_REID_MEAN = [0.485, 0.456, 0.406] as const;
export const DEFAULT_REID_STD = [0.229, 0.224, 0.225] as const;
export const DEFAULT_REID_CHANNEL_ORDER: 'rgb' | 'bgr' = 'rgb';
/** DeepSORT's ReID patch (height 128, width 64), used when the model leaves its input size symbolic. */
export const DEFAULT_REID_INPUT_SIZE = { width: 64, height: 128 } as const;
/** Crops per inference run at most for a dynamic-batch model: a busy frame's crops in one or two runs, bounded memory (~12 MB at 128×64). */
export const DEFAULT_REID_MAX_BATCH_SIZE = 100;
/** 0 lets onnxruntime choose. */
export const DEFAULT_REID_INTRA_OP_THREADS = 0;

/** Config key of each option, as errors name them (the ingest config's `tracker` section). */
export const REID_OPTION_KEYS = {
  modelUri: 'tracker.reidModel (REID_MODEL_URI)',
  mean: 'tracker.reidMean (REID_MEAN)',
  std: 'tracker.reidStd (REID_STD)',
  channelOrder: 'tracker.reidChannelOrder (REID_CHANNEL_ORDER)',
  maxBatchSize: 'tracker.reidMaxBatchSize (REID_MAX_BATCH_SIZE)',
} as const;

export interface ReidExtractorOptions {
  /** Local path, `file://`, `s3://bucket/key` or `http(s)://` (the detector's model loader, cached by ETag). */
  modelUri: string;
  mean?: readonly number[];
  std?: readonly number[];
  channelOrder?: 'rgb' | 'bgr';
  maxBatchSize?: number;
  intraOpThreads?: number;
  modelCacheDir: string;
  objectStore?: S3ClientConfig;
}

interface NormalisedReidOptions {
  readonly normalisation: PatchNormalisation;
  readonly maxBatchSize: number;
}

function triple(key: string, value: readonly number[], positive: boolean): [number, number, number] {
  if (value.length !== 3 || !value.every((v) => Number.isFinite(v) && (!positive || v > 0)))
    throw new TrackingError('invalid-option', `${key} is ${JSON.stringify(value)}; set it to three ${positive ? 'positive ' : ''}numbers, one per channel, in [0, 1] units`);
  return [value[0]!, value[1]!, value[2]!];
}

export function normaliseReidOptions(options: Omit<ReidExtractorOptions, 'modelUri' | 'modelCacheDir'>): NormalisedReidOptions {
  const maxBatchSize = options.maxBatchSize ?? DEFAULT_REID_MAX_BATCH_SIZE;
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1)
    throw new TrackingError('invalid-option', `${REID_OPTION_KEYS.maxBatchSize} is ${maxBatchSize}; set it to a whole number of at least 1`);
  const channelOrder = options.channelOrder ?? DEFAULT_REID_CHANNEL_ORDER;
  if (channelOrder !== 'rgb' && channelOrder !== 'bgr')
    throw new TrackingError('invalid-option', `${REID_OPTION_KEYS.channelOrder} is ${JSON.stringify(channelOrder)}; set it to rgb or bgr`);
  return {
    normalisation: {
      mean: triple(REID_OPTION_KEYS.mean, options.mean ?? DEFAULT_REID_MEAN, false),
      std: triple(REID_OPTION_KEYS.std, options.std ?? DEFAULT_REID_STD, true),
      channelOrder,
    },
    maxBatchSize,
  };
}

/** What the extractor needs of an inference session: onnxruntime's (see `load`) or a stand-in in unit tests. */
export interface ReidSession {
  /** Declared input shape `[batch, 3, height, width]`; symbolic dimensions are strings. */
  readonly inputDims: ReadonlyArray<number | string>;
  /** Runs one batch; the output's first dimension is the batch. */
  run(input: Float32Array, dims: readonly [number, 3, number, number]): Promise<{ data: ArrayLike<number>; dims: readonly number[] }>;
  release(): Promise<void>;
}

/** Running totals since load, for benchmarks and logs. */
export interface ReidStats {
  crops: number;
  runs: number;
  /** Cropping, resizing and normalising. */
  preprocessMs: number;
  /** Model runs, L2 normalisation included. */
  inferenceMs: number;
}

export interface ReidModelInfo {
  readonly modelUri: string;
  readonly modelVersion: string;
  readonly inputWidth: number;
  readonly inputHeight: number;
  /** Crops per run: the model's fixed batch, or the configured maximum for a dynamic batch. */
  readonly batchSize: number;
  readonly dynamicBatch: boolean;
  readonly featureLength: number;
}

const fixed = (dim: number | string | undefined): number | undefined => (typeof dim === 'number' && dim > 0 ? dim : undefined);

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

/** onnxruntime behind the `ReidSession` interface, checking the model is image-in, embedding-out. */
async function onnxSession(bytes: Uint8Array, modelUri: string, intraOpThreads: number): Promise<ReidSession> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      graphOptimizationLevel: 'all',
      executionProviders: ['cpu'],
      ...(intraOpThreads > 0 ? { intraOpNumThreads: intraOpThreads } : {}),
    });
  } catch (error) {
    throw new TrackingError('invalid-model', `onnxruntime cannot load the ReID model ${modelUri}: ${describe(error)}; check ${REID_OPTION_KEYS.modelUri}`, { cause: error });
  }
  const inputName = session.inputNames[0];
  const outputName = session.outputNames[0];
  const inputMeta = session.inputMetadata[0];
  if (inputName === undefined || outputName === undefined || inputMeta === undefined || !inputMeta.isTensor || inputMeta.type !== 'float32') {
    await session.release();
    throw new TrackingError('invalid-model', `the ReID model ${modelUri} must take one float32 image tensor and return an embedding; check ${REID_OPTION_KEYS.modelUri}`);
  }
  return {
    inputDims: inputMeta.shape,
    async run(input, dims) {
      const outputs = await session.run({ [inputName]: new ort.Tensor('float32', input.subarray(0, dims[0] * dims[1] * dims[2] * dims[3]), [...dims]) });
      const output = outputs[outputName]!;
      try {
        if (output.type !== 'float32') throw new TrackingError('invalid-model', `the ReID model's output ${outputName} is ${output.type}; expected float32`);
        // Copied out before the tensor is released.
        return { data: Float32Array.from(output.data as Float32Array), dims: output.dims };
      } finally {
        for (const value of Object.values(outputs)) value.dispose();
      }
    },
    release: () => session.release(),
  };
}

/**
 * A `FeatureExtractor` running a ReID ONNX model. One instance serves every camera of the process
 * (calls are serialised: the input buffer is reused). The input size comes from the model (else
 * 128×64); the embedding length from a warm-up run at load, which also proves the model runs.
 */
export class ReidOnnxExtractor implements FeatureExtractor {
  readonly name: string;
  readonly featureLength: number;
  readonly stats: ReidStats = { crops: 0, runs: 0, preprocessMs: 0, inferenceMs: 0 };
  private readonly input: Float32Array;
  private readonly runs = new SerialRuns();

  private constructor(
    private readonly session: ReidSession,
    readonly info: ReidModelInfo,
    private readonly options: NormalisedReidOptions,
  ) {
    this.name = `reid:${path.basename(info.modelUri).replace(/\.onnx$/i, '')}`;
    this.featureLength = info.featureLength;
    this.input = new Float32Array(info.batchSize * this.floatsPerPatch);
  }

  /** Fetches (or reads) the model, opens it on onnxruntime's CPU provider and checks it with a warm-up run. */
  static async load(options: ReidExtractorOptions): Promise<ReidOnnxExtractor> {
    const normalised = normaliseReidOptions(options);
    let bytes: Uint8Array;
    let etag: string | undefined;
    try {
      const model = await resolveModel(options.modelUri, { cacheDir: options.modelCacheDir, objectStore: options.objectStore ?? {} });
      bytes = new Uint8Array(await readFile(model.localPath));
      etag = model.etag;
    } catch (error) {
      throw new TrackingError('model-unavailable', `cannot read the ReID model ${options.modelUri}: ${describe(error)}; check ${REID_OPTION_KEYS.modelUri}`, {
        cause: error,
        // A missing local file stays missing; an unreachable store may come back.
        retriable: (error as { retriable?: boolean }).retriable ?? true,
      });
    }
    const version = readOnnxMetadata(bytes).get('version') ?? etag?.replace(/"/g, '') ?? 'unknown';
    const session = await onnxSession(bytes, options.modelUri, options.intraOpThreads ?? DEFAULT_REID_INTRA_OP_THREADS);
    return ReidOnnxExtractor.open(session, { modelUri: options.modelUri, modelVersion: version }, normalised);
  }

  /** Builds the extractor over an open session (closing it when the model turns out unusable). */
  static async open(session: ReidSession, model: { modelUri: string; modelVersion: string }, options: NormalisedReidOptions): Promise<ReidOnnxExtractor> {
    try {
      const dims = session.inputDims;
      if (dims.length !== 4 || (fixed(dims[1]) !== undefined && dims[1] !== 3))
        throw new TrackingError('invalid-model', `the ReID model ${model.modelUri} has input shape [${dims.join(', ')}]; expected [batch, 3, height, width]`);
      const inputHeight = fixed(dims[2]) ?? DEFAULT_REID_INPUT_SIZE.height;
      const inputWidth = fixed(dims[3]) ?? DEFAULT_REID_INPUT_SIZE.width;
      const staticBatch = fixed(dims[0]);
      const batchSize = staticBatch ?? options.maxBatchSize;
      const warmUp = await session.run(new Float32Array((staticBatch ?? 1) * 3 * inputHeight * inputWidth), [staticBatch ?? 1, 3, inputHeight, inputWidth]);
      const featureLength = warmUp.dims.slice(1).reduce((product, dim) => product * dim, 1);
      if (warmUp.dims[0] !== (staticBatch ?? 1) || featureLength < 1 || warmUp.data.length !== (staticBatch ?? 1) * featureLength)
        throw new TrackingError('invalid-model', `the ReID model ${model.modelUri} answered a batch of ${staticBatch ?? 1} with shape [${warmUp.dims.join(', ')}]; expected [batch, embedding length]`);
      const info: ReidModelInfo = { ...model, inputWidth, inputHeight, batchSize, dynamicBatch: staticBatch === undefined, featureLength };
      return new ReidOnnxExtractor(session, info, options);
    } catch (error) {
      await session.release();
      if (error instanceof TrackingError) throw error;
      throw new TrackingError('invalid-model', `the ReID model ${model.modelUri} failed its first run: ${describe(error)}; check ${REID_OPTION_KEYS.modelUri}`, { cause: error });
    }
  }

  private get floatsPerPatch(): number {
    return 3 * this.info.inputWidth * this.info.inputHeight;
  }

  /** One L2-normalised embedding per box, in box order; all boxes of the frame go through the model together. */
  extract(frame: ImageFrame, boxes: readonly Tlwh[]): Promise<Float32Array[]> {
    return this.runs.run(() => this.extractNow(frame, boxes));
  }

  close(): Promise<void> {
    return this.runs.close(() => this.session.release());
  }

  private async extractNow(frame: ImageFrame, boxes: readonly Tlwh[]): Promise<Float32Array[]> {
    if (this.runs.closed) throw new TrackingError('invalid-input', 'the ReID extractor is closed');
    if (boxes.length === 0) return [];
    checkImageFrame(frame);
    const { inputWidth, inputHeight, batchSize, dynamicBatch, featureLength } = this.info;
    const perPatch = this.floatsPerPatch;
    const features: Float32Array[] = [];
    for (let start = 0; start < boxes.length; start += batchSize) {
      const chunk = boxes.slice(start, start + batchSize);
      const t0 = performance.now();
      chunk.forEach((box, slot) => {
        const window = patchWindowOf(box, inputWidth, inputHeight, frame.width, frame.height);
        writePatch(frame, window, this.input, slot * perPatch, inputWidth, inputHeight, this.options.normalisation);
      });
      // A fixed batch always runs full: the unused slots are zeroed (their outputs are ignored).
      const runSize = dynamicBatch ? chunk.length : batchSize;
      if (runSize > chunk.length) this.input.fill(0, chunk.length * perPatch, runSize * perPatch);
      const t1 = performance.now();
      let output: Awaited<ReturnType<ReidSession['run']>>;
      try {
        output = await this.session.run(this.input, [runSize, 3, inputHeight, inputWidth]);
      } catch (error) {
        throw new TrackingError('inference-failed', `the ReID model failed on ${chunk.length} crop(s): ${describe(error)}`, { cause: error, retriable: true });
      }
      if (output.dims[0] !== runSize || output.data.length !== runSize * featureLength)
        throw new TrackingError('invalid-model', `the ReID model answered ${runSize} crop(s) with shape [${output.dims.join(', ')}]; expected [${runSize}, ${featureLength}]`);
      for (let slot = 0; slot < chunk.length; slot++) {
        const feature = new Float32Array(featureLength);
        for (let i = 0; i < featureLength; i++) feature[i] = output.data[slot * featureLength + i]!;
        features.push(l2Normalise(feature));
      }
      this.stats.preprocessMs += t1 - t0;
      this.stats.inferenceMs += performance.now() - t1;
      this.stats.runs += 1;
    }
    this.stats.crops += boxes.length;
    return features;
  }
}
