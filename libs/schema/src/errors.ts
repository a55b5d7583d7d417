/** What went wrong, for callers that branch on it (metrics labels, retry decisions). */
export type SchemaErrorCode =
  | 'INVALID_DEFINITION'
  /** A record the contract refuses reached a builder (Arrow: a required value missing, naming path and row). */
  | 'INVALID_RECORD'
  | 'AVRO_ENCODE_FAILED'
  /** The contract asks for an Arrow type the builder does not write (a defect of the library). */
  | 'ARROW_BUILD_FAILED'
  | 'INVALID_SNAPSHOT';

/**
 * The one error class of @retail/schema. Contract problems are never fixed by retrying,
 * so `retriable` is false unless a caller says otherwise.
 */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';
  readonly code: SchemaErrorCode;
  readonly retriable: boolean;
  override readonly cause?: unknown;

  constructor(code: SchemaErrorCode, message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message);
    this.code = code;
    this.retriable = options.retriable ?? false;
    if (options.cause !== undefined) this.cause = options.cause;
  }
}
