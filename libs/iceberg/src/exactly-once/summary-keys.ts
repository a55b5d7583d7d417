/** Snapshot summary keys of the exactly-once protocol (see checkpoint.ts). */
export const WRITER_ID_PROPERTY = 'retail.writer-id';
export const WRITER_EPOCH_PROPERTY = 'retail.writer-epoch';
export const CHECKPOINT_PROPERTY = 'retail.checkpoint';
