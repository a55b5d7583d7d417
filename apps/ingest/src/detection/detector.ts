import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { parseClassNames } from './class-names';
import { YoloDecoder, type OutputLayout } from './decode';
import { DetectionError } from './errors';
import type { Letterbox } from './letterbox';
import { resolveModel, type ResolvedModel } from './model-source';
import { readOnnxMetadata } from './onnx-metadata';
import {
  classMaskOf,
  normalizeDetectorOptions,
  OPTION_KEYS,
  type DetectorOptions,
  type ExecutionProviderName,
  type NormalizedDetectorOptions,
} from './options';
import { Preprocessor } from './preprocess';
import type { DetectedObject, DetectionTimings, RgbFrame } from './types';
import { SerialRuns } from '../util/serial-runs';

/** Input side used when an export leaves height/width symbolic and its metadata has no `imgsz`. */
export const DEFAULT_INPUT_SIZE = 640;
/** YOLOv8's detection strides: one anchor per cell of the 8-, 16- and 32-pixel grids. */
const YOLO_STRIDES = [8, 16, 32] as const;

/** What was loaded and how it runs, for logs, metrics labels and the DetectionEvent model fields. */
export interface DetectorInfo {
  readonly model: ResolvedModel;
  /** File name without extension, e.g. `yolov8n`. */
  readonly modelName: string;
  /** Metadata `version` (Ultralytics writes its own version there) or the ETag, or `unknown`. */
  readonly modelVersion: string;
  readonly inputName: string;
  readonly outputName: string;
  readonly inputWidth: number;
  readonly inputHeight: number;
  /** Frames per inference call: the fixed batch size of a static export, or the configured maximum. */
  readonly batchSize: number;
  readonly dynamicBatch: boolean;
  readonly classNames: readonly string[];
  /** Providers the session was created with (a GPU provider that could not load is not listed). */
  readonly executionProviders: readonly ExecutionProviderName[];
  /** Warnings worth logging at start-up: a requested provider not in use, an unusual anchor count. */
  readonly notes: readonly string[];
  readonly metadata: ReadonlyMap<string, string>;
}

export interface DetectionBatchResult {
  /** Detections per input frame, in input order. */
  readonly detections: DetectedObject[][];
  readonly timings: DetectionTimings;
}

/** How the detector is run, as opposed to what it detects (not configuration). */
export interface DetectorRuntime {
  /**
   * Milliseconds clock the stage timings are read from: wall-clock `performance.now()` by default (what metrics
   * report); the benchmark passes the process's CPU time to split CPU cost by stage.
   */
  readonly stageClockMs?: () => number;
}

type TensorMetadata = ort.InferenceSession.ValueMetadata;

function dimsOf(metadata: TensorMetadata | undefined): ReadonlyArray<number | string> {
  return metadata !== undefined && metadata.isTensor ? metadata.shape : [];
}

function fixed(dim: number | string | undefined): number | undefined {
  return typeof dim === 'number' && dim > 0 ? dim : undefined;
}

/** `imgsz` metadata, written by Ultralytics as `[640, 640]` (height, width). */
function imageSizeOf(metadata: ReadonlyMap<string, string>): [number, number] | undefined {
  const match = /^\s*\[\s*(\d+)\s*,\s*(\d+)\s*\]\s*$/.exec(metadata.get('imgsz') ?? '');
  return match === null ? undefined : [Number(match[1]), Number(match[2])];
}

function anchorsFor(height: number, width: number): number {
  return YOLO_STRIDES.reduce((sum, stride) => sum + Math.ceil(height / stride) * Math.ceil(width / stride), 0);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

/** Creates the session with the requested providers, falling back to CPU when allowed (and saying why). */
async function createSession(
  model: Uint8Array,
  options: NormalizedDetectorOptions,
): Promise<{ session: ort.InferenceSession; providers: ExecutionProviderName[]; notes: string[] }> {
  const base: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    ...(options.intraOpThreads > 0 ? { intraOpNumThreads: options.intraOpThreads } : {}),
  };
  const backends = new Map(ort.listSupportedBackends().map((backend) => [backend.name, backend.bundled] as const));
  const wanted = options.executionProviders.filter((name) => name !== 'cpu');
  // onnxruntime-common silently drops providers this build does not know; catch them here to say so.
  const unknown = wanted.filter((name) => !backends.has(name));
  const requested = wanted.filter((name) => backends.has(name));
  const notes: string[] = [];
  if (unknown.length > 0) {
    const message = `${OPTION_KEYS.executionProviders}: ${unknown.join(', ')} not supported by this onnxruntime-node build on ${process.platform}/${process.arch}`;
    if (!options.fallbackToCpu) {
      throw new DetectionError('provider-unavailable', `${message}. Use ["cpu"] or set ${OPTION_KEYS.fallbackToCpu}=true`);
    }
    notes.push(`${message}; skipped`);
  }
  const providers: ExecutionProviderName[] = [...requested, 'cpu'];
  if (requested.length === 0) {
    return { session: await ort.InferenceSession.create(model, { ...base, executionProviders: ['cpu'] }), providers, notes };
  }
  try {
    const session = await ort.InferenceSession.create(model, { ...base, executionProviders: providers });
    return { session, providers, notes };
  } catch (error) {
    const reasons = requested.map((name) =>
      backends.get(name) ? `${name}: failed to initialise` : `${name}: its libraries are not installed (onnxruntime-node fetches them at install time only for GPU machines)`,
    );
    const message = `${OPTION_KEYS.executionProviders}: cannot start ${requested.join(', ')} (${reasons.join('; ')}; onnxruntime said: ${describe(error)})`;
    if (!options.fallbackToCpu) {
      throw new DetectionError('provider-unavailable', `${message}. Use ["cpu"] or set ${OPTION_KEYS.fallbackToCpu}=true`, { cause: error });
    }
    const session = await ort.InferenceSession.create(model, { ...base, executionProviders: ['cpu'] });
    return { session, providers: ['cpu'], notes: [...notes, `${message}; running on cpu instead`] };
  }
}

/**
 * YOLOv8 detector on onnxruntime-node: frames in, detections per frame out. Batches frames from
 * several cameras into one inference call when the model's batch dimension is dynamic. Calls are
 * serialised (the input tensor and decoder scratch are reused), so share one instance per process.
 */
export class Detector {
  private readonly preprocessor: Preprocessor;
  private readonly input: Float32Array;
  private readonly keepClass: Uint8Array | undefined;
  private decoder: YoloDecoder | undefined;
  /** Letterbox each batch slot of `input` was last written with (its grey bands can stay). */
  private readonly slotLetterboxes: Array<Letterbox | undefined> = [];
  private readonly runs = new SerialRuns();
  private readonly now: () => number;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly info: DetectorInfo,
    private readonly options: NormalizedDetectorOptions,
    runtime: DetectorRuntime,
  ) {
    this.now = runtime.stageClockMs ?? (() => performance.now());
    this.preprocessor = new Preprocessor(info.inputWidth, info.inputHeight);
    this.input = new Float32Array(info.batchSize * this.preprocessor.floatsPerFrame);
    this.keepClass = classMaskOf(options.classFilter, info.classNames);
  }

  static async load(rawOptions: DetectorOptions, runtime: DetectorRuntime = {}): Promise<Detector> {
    const options = normalizeDetectorOptions(rawOptions);
    const model = await resolveModel(options.modelUri, { cacheDir: options.modelCacheDir, objectStore: options.objectStore });
    const bytes = new Uint8Array(await readFile(model.localPath));
    const metadata = readOnnxMetadata(bytes);
    let created: Awaited<ReturnType<typeof createSession>>;
    try {
      created = await createSession(bytes, options);
    } catch (error) {
      if (error instanceof DetectionError) throw error;
      throw new DetectionError('invalid-model', `onnxruntime cannot load ${model.uri}: ${describe(error)}`, { cause: error });
    }
    const { session } = created;
    try {
      const info = inspectSession(session, model, metadata, options, created.providers, created.notes);
      return new Detector(session, info, options, runtime);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  /** Detects objects in each frame; frames may differ in size (each gets its own letterbox). */
  detect(frames: readonly RgbFrame[]): Promise<DetectionBatchResult> {
    return this.runs.run(() => this.detectNow(frames));
  }

  close(): Promise<void> {
    return this.runs.close(() => this.session.release());
  }

  private async detectNow(frames: readonly RgbFrame[]): Promise<DetectionBatchResult> {
    if (this.runs.closed) throw new DetectionError('invalid-input', 'the detector is closed');
    const detections: DetectedObject[][] = [];
    let preprocessMs = 0;
    let inferenceMs = 0;
    let postprocessMs = 0;
    const { batchSize, dynamicBatch } = this.info;
    for (let start = 0; start < frames.length; start += batchSize) {
      const chunk = frames.slice(start, start + batchSize);
      const t0 = this.now();
      const letterboxes: Letterbox[] = chunk.map((frame, i) => {
        const letterbox = this.preprocessor.writeFrame(frame, this.input, i * this.preprocessor.floatsPerFrame, this.slotLetterboxes[i]);
        this.slotLetterboxes[i] = letterbox;
        return letterbox;
      });
      // A static batch of N takes exactly N frames: the unused slots keep stale pixels and are ignored.
      const tensorFrames = dynamicBatch ? chunk.length : batchSize;
      const tensor = new ort.Tensor('float32', this.input.subarray(0, tensorFrames * this.preprocessor.floatsPerFrame), [
        tensorFrames,
        3,
        this.info.inputHeight,
        this.info.inputWidth,
      ]);
      const t1 = this.now();
      let outputs: ort.InferenceSession.ReturnType;
      try {
        outputs = await this.session.run({ [this.info.inputName]: tensor });
      } catch (error) {
        throw new DetectionError('inference-failed', `inference on ${chunk.length} frame(s) failed: ${describe(error)}`, { cause: error });
      }
      const t2 = this.now();
      const output = outputs[this.info.outputName];
      if (output === undefined || output.type !== 'float32') {
        throw new DetectionError('invalid-model', `output ${this.info.outputName} is missing or not float32`);
      }
      const decoder = this.decoderFor(output.dims, tensorFrames);
      const data = output.data as Float32Array;
      for (let i = 0; i < chunk.length; i++) detections.push(decoder.decode(data, i, letterboxes[i]!));
      for (const value of Object.values(outputs)) value.dispose();
      const t3 = this.now();
      preprocessMs += t1 - t0;
      inferenceMs += t2 - t1;
      postprocessMs += t3 - t2;
    }
    return { detections, timings: { preprocessMs, inferenceMs, postprocessMs } };
  }

  /** Checks the output against the contract and (re)builds the decoder for its anchor count. */
  private decoderFor(dims: readonly number[], frames: number): YoloDecoder {
    const rowLength = 4 + this.info.classNames.length;
    const [batch, first, second] = dims;
    let layout: OutputLayout;
    let anchors: number;
    if (dims.length === 3 && batch === frames && first === rowLength) [layout, anchors] = ['channels-first', second!];
    else if (dims.length === 3 && batch === frames && second === rowLength) [layout, anchors] = ['anchors-first', first!];
    else {
      throw new DetectionError(
        'invalid-model',
        `output ${this.info.outputName} has shape [${dims.join(', ')}]; expected [${frames}, ${rowLength}, anchors] (4 box values + ${this.info.classNames.length} classes)`,
      );
    }
    const current = this.decoder?.settings;
    if (current === undefined || current.anchors !== anchors || current.layout !== layout) {
      this.decoder = new YoloDecoder({
        classNames: this.info.classNames,
        anchors,
        layout,
        confidenceThreshold: this.options.confidenceThreshold,
        iouThreshold: this.options.iouThreshold,
        maxDetections: this.options.maxDetections,
        maxCandidates: this.options.maxCandidates,
        keepClass: this.keepClass,
      });
    }
    return this.decoder!;
  }
}

/** Reads names, shapes and class names from the session and metadata, checking the YOLOv8 contract. */
function inspectSession(
  session: ort.InferenceSession,
  model: ResolvedModel,
  metadata: ReadonlyMap<string, string>,
  options: NormalizedDetectorOptions,
  providers: ExecutionProviderName[],
  notes: string[],
): DetectorInfo {
  const inputName = session.inputNames[0];
  const outputName = session.outputNames[0];
  if (inputName === undefined || outputName === undefined) {
    throw new DetectionError('invalid-model', `${model.uri} must have an image input and a detection output`);
  }
  const inputMeta = session.inputMetadata[0];
  if (inputMeta !== undefined && inputMeta.isTensor && inputMeta.type !== 'float32') {
    throw new DetectionError('invalid-model', `input ${inputName} is ${inputMeta.type}; the detector feeds float32 images (export without half/int8 input)`);
  }
  const inputDims = dimsOf(inputMeta);
  if (inputDims.length !== 4 || (fixed(inputDims[1]) !== undefined && inputDims[1] !== 3)) {
    throw new DetectionError('invalid-model', `input ${inputName} has shape [${inputDims.join(', ')}]; expected [batch, 3, height, width]`);
  }
  const imageSize = imageSizeOf(metadata);
  const inputHeight = fixed(inputDims[2]) ?? imageSize?.[0] ?? DEFAULT_INPUT_SIZE;
  const inputWidth = fixed(inputDims[3]) ?? imageSize?.[1] ?? DEFAULT_INPUT_SIZE;
  const staticBatch = fixed(inputDims[0]);

  const namesText = metadata.get('names');
  const classNames = options.classNames ?? (namesText === undefined ? undefined : parseClassNames(namesText));
  if (classNames === undefined) {
    throw new DetectionError('invalid-model', `${model.uri} has no 'names' metadata; set ${OPTION_KEYS.classNames} to the class names in id order`);
  }
  const outputDims = dimsOf(session.outputMetadata[0]);
  const rowLength = 4 + classNames.length;
  if (outputDims.length !== 3) {
    throw new DetectionError('invalid-model', `output ${outputName} has shape [${outputDims.join(', ')}]; expected [batch, ${rowLength}, anchors]`);
  }
  const [, first, second] = outputDims;
  const fixedRows = [fixed(first), fixed(second)].filter((dim) => dim !== undefined);
  if (fixedRows.length === 2 && !fixedRows.includes(rowLength)) {
    throw new DetectionError(
      'invalid-model',
      `output ${outputName} has shape [${outputDims.join(', ')}] but the model has ${classNames.length} class names (${rowLength} rows expected); fix ${OPTION_KEYS.classNames} or the export`,
    );
  }
  const expectedAnchors = anchorsFor(inputHeight, inputWidth);
  const anchors = fixed(first) === rowLength ? fixed(second) : fixed(first);
  if (anchors !== undefined && anchors !== expectedAnchors) {
    // Not fatal: the decoder reads any anchor count, but a mismatch hints at a non-YOLOv8 head.
    notes.push(`output has ${anchors} anchors where YOLOv8 at ${inputWidth}x${inputHeight} has ${expectedAnchors}`);
  }
  return {
    model,
    // Cached copies are named by ETag, so an object-store model is named after its key.
    modelName: path.basename(model.origin === 'local' ? model.localPath : model.uri).replace(/\.onnx$/i, ''),
    modelVersion: metadata.get('version') ?? model.etag?.replace(/"/g, '') ?? 'unknown',
    inputName,
    outputName,
    inputWidth,
    inputHeight,
    batchSize: staticBatch ?? options.maxBatchSize,
    dynamicBatch: staticBatch === undefined,
    classNames,
    executionProviders: providers,
    notes,
    metadata,
  };
}
