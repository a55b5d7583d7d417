// Multi-object tracking for ingest: a TypeScript port of DeepSORT (nwojke/deep_sort).
export { CameraTracker, normalisedBoxOf } from './camera-tracker';
export type { CameraTrackerOptions, FrameDetection, FrameInfo, FrameTracks, LifecycleEvent, LifecycleKind, NormalisedBox, TrackedObject } from './camera-tracker';
export { DeepSortTracker, type UpdateResult } from './deep-sort-tracker';
export type { Detection } from './detection';
export type { Tlwh } from './box';
export { TrackingError, type TrackingErrorCode } from './errors';
export {
  DEFAULT_MAX_AGE,
  DEFAULT_MAX_COSINE_DISTANCE,
  DEFAULT_MAX_IOU_DISTANCE,
  DEFAULT_N_INIT,
  DEFAULT_NN_BUDGET,
  resolveTrackerOptions,
  type TrackerOptions,
  type ResolvedTrackerOptions,
} from './options';
export { trackEventOf, type StreamIdentity } from './track-events';
export type { FeatureExtractor, ImageFrame } from './appearance/feature-extractor';
export { HsvHistogramExtractor, type HsvHistogramOptions } from './appearance/hsv-histogram-extractor';
export {
  DEFAULT_REID_CHANNEL_ORDER,
  DEFAULT_REID_INPUT_SIZE,
  DEFAULT_REID_MAX_BATCH_SIZE,
  DEFAULT_REID_MEAN,
  DEFAULT_REID_STD,
  REID_OPTION_KEYS,
  ReidOnnxExtractor,
  type ReidExtractorOptions,
  type ReidModelInfo,
  type ReidStats,
} from './appearance/reid-onnx-extractor';
