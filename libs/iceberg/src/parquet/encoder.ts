import { Worker } from 'node:worker_threads';
import * as arrow from 'apache-arrow';
import { IcebergError } from '../errors';
import { encodeParquetIpc, parquetSettings, type ParquetSettings, type ParquetWriteOptions } from './parquet-file';

/** Turns buffered Arrow batches into the bytes of one Parquet file. */
export interface ParquetEncoder {
  encode(schema: arrow.Schema, batches: arrow.RecordBatch[], options: ParquetWriteOptions): Promise<Uint8Array>;
}

/** Encodes on the calling thread. */
export const inlineParquetEncoder: ParquetEncoder = {
  encode: async (schema, batches, options) => encodeParquetIpc(toIpc(schema, batches), parquetSettings(schema, options)),
};

function toIpc(schema: arrow.Schema, batches: arrow.RecordBatch[]): Uint8Array {
  return arrow.tableToIPC(new arrow.Table(schema, batches), 'stream');
}

/*
 * The worker's whole program. It applies the same settings as `encodeParquetIpc` (keep the two in
 * step); it is plain JavaScript because a worker cannot load this TypeScript module.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const pq = require(workerData.parquetWasm);
parentPort.on('message', ({ id, ipc, settings }) => {
  try {
    let builder = new pq.WriterPropertiesBuilder()
      .setCompression(settings.compression)
      .setMaxRowGroupSize(settings.maxRowGroupRows)
      .setDictionaryEnabled(false)
      .setCreatedBy(settings.createdBy);
    for (const path of settings.dictionaryPaths) builder = builder.setColumnDictionaryEnabled(path, true);
    const bytes = pq.writeParquet(pq.Table.fromIPCStream(ipc), builder.build());
    parentPort.postMessage({ id, bytes }, [bytes.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  }
});
`;

interface Pending {
  resolve: (bytes: Uint8Array) => void;
  reject: (error: unknown) => void;
}

/**
 * Encodes on a worker thread, so a writer's main thread keeps sending requests (and a pipelined
 * writer's next commit) while Parquet is built: the encoding is the largest CPU cost of an append.
 * One worker per process, started on first use; it keeps the process alive only while encoding.
 */
class WorkerParquetEncoder implements ParquetEncoder {
  private worker?: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(private readonly parquetWasmPath: string) {}

  async encode(schema: arrow.Schema, batches: arrow.RecordBatch[], options: ParquetWriteOptions): Promise<Uint8Array> {
    const ipc = toIpc(schema, batches);
    const settings: ParquetSettings = parquetSettings(schema, options);
    const worker = this.start();
    const id = this.nextId++;
    const result = new Promise<Uint8Array>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    worker.ref();
    worker.postMessage({ id, ipc, settings }, [ipc.buffer as ArrayBuffer]);
    return result;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { parquetWasm: this.parquetWasmPath } });
    worker.unref();
    worker.on('message', ({ id, bytes, error }: { id: number; bytes?: Uint8Array; error?: string }) => {
      const pending = this.pending.get(id);
      this.pending.delete(id);
      if (this.pending.size === 0) worker.unref();
      if (!pending) return;
      if (bytes) pending.resolve(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      else pending.reject(new IcebergError('IO', `Parquet encoding failed: ${error}`));
    });
    const fail = (cause: unknown) => {
      if (this.worker === worker) this.worker = undefined; // the next encode starts a fresh worker
      for (const pending of this.pending.values()) pending.reject(new IcebergError('IO', 'the Parquet encoder worker stopped', { cause, retriable: true }));
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    this.worker = worker;
    return worker;
  }
}

let shared: ParquetEncoder | undefined;

/**
 * The process-wide worker encoder (the inline one where a worker cannot load parquet-wasm). Worth
 * it where the host has CPU to spare: on the shared 2-core benchmark machine, pipelined appends ran
 * at a median 234k rows/s with it against 188k inline (5 alternating pairs). Writers still encode
 * inline unless given this: the services were tested that way.
 */
export function workerParquetEncoder(): ParquetEncoder {
  if (shared) return shared;
  try {
    shared = new WorkerParquetEncoder(require.resolve('parquet-wasm/node'));
  } catch {
    shared = inlineParquetEncoder;
  }
  return shared;
}
