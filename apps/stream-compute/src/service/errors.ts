/** Error family of the stream-compute service (the operators have their own, StreamComputeError). */
export type ServiceErrorCode = 'CONFIGURATION' | 'TABLE_MISMATCH' | 'CAMERA_MOVED' | 'CYCLE_COMPLETED_CONCURRENTLY' | 'INVALID_CHECKPOINT' | 'REFERENCE_UNREADABLE' | 'STOPPED' | 'INTERNAL';

export class StreamComputeServiceError extends Error {
  readonly code: ServiceErrorCode;
  readonly retriable: boolean;
  override readonly cause?: unknown;

  constructor(code: ServiceErrorCode, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.cause = options.cause;
  }
}
