export type TrackingErrorCode =
  /** An option is out of range or of the wrong type; the message names the key and the fix. */
  | 'invalid-option'
  /** A detection or feature handed to the tracker is malformed (bad box, wrong feature length, NaN). */
  | 'invalid-input'
  /** The cost matrix of an assignment has no feasible complete assignment (NaN or -Infinity costs). */
  | 'infeasible-assignment'
  /** The Kalman filter met a covariance that is not positive definite (corrupted state). */
  | 'not-positive-definite'
  /** The ReID model file or object cannot be read (missing path, store unreachable). */
  | 'model-unavailable'
  /** The ReID model loads but does not fit the contract (image in, embedding out). */
  | 'invalid-model'
  /** A ReID inference run failed. */
  | 'inference-failed';

/** The one error type of the tracking stage: bad input stays bad; only reaching or running the ReID model may be retried. */
export class TrackingError extends Error {
  readonly code: TrackingErrorCode;
  readonly retriable: boolean;
  override readonly cause?: unknown;

  constructor(code: TrackingErrorCode, message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message);
    this.name = 'TrackingError';
    this.code = code;
    this.retriable = options.retriable ?? false;
    if (options.cause !== undefined) this.cause = options.cause;
  }
}
