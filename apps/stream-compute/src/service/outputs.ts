import { arrowRecordBatchOf, DeadLetter, ItemCount, LateEvent, LineCrossing, QueueAlert, RecordColumns, SilverDetection, ZoneDwell, type Fields, type RecordOf, type RecordType } from '@retail/schema';
import type { RecordBatch } from 'apache-arrow';
import { deadLetterOfRejected, type ComputeOutputs, type RejectedDetectionSource } from '../operators';
import { StreamComputeServiceError } from './errors';

/** Every table stream-compute writes, by its record (each record names its own table). */
export const OUTPUT_RECORDS = {
  itemCounts: ItemCount,
  silverDetections: SilverDetection,
  zoneDwell: ZoneDwell,
  lineCrossings: LineCrossing,
  queueAlerts: QueueAlert,
  lateEvents: LateEvent,
  deadLetters: DeadLetter,
} as const satisfies Record<string, unknown>;

export type OutputName = keyof typeof OUTPUT_RECORDS;
export const OUTPUT_NAMES = Object.keys(OUTPUT_RECORDS) as OutputName[];

/** Its commit is a cycle's atomic point: it carries the state checkpoint (positions and state files). */
export const CHECKPOINT_OUTPUT: OutputName = 'itemCounts';

export function recordOf(output: OutputName): RecordType {
  return OUTPUT_RECORDS[output] as unknown as RecordType;
}

/** `gold.item_counts`: the logical table name (without a test prefix), used in cycle files and metrics. */
export function tableKeyOf(output: OutputName): string {
  const { namespace, name } = OUTPUT_RECORDS[output].table;
  return `${namespace}.${name}`;
}

export type Row = Record<string, unknown>;

/** Outputs with a row per detection: their rows go into Arrow columns as they arrive (see RecordColumns). */
const COLUMNAR_OUTPUTS: readonly OutputName[] = ['silverDetections'];

/**
 * The column builders of the columnar outputs, used by one cycle after the other: a cycle claims
 * them when created and gives them back when sealed. Shared rather than made per cycle: V8 keeps
 * the generated row readers and the writers' optimised code only while they live.
 */
export class ColumnarOutputs {
  readonly builders = new Map<OutputName, RecordColumns>(COLUMNAR_OUTPUTS.map((output) => [output, new RecordColumns(recordOf(output))]));
  private owner: CycleRows | undefined;

  claim(owner: CycleRows): void {
    if (this.owner !== undefined && this.owner !== owner) throw new StreamComputeServiceError('INTERNAL', 'a cycle took the column builders before the previous cycle was sealed');
    this.owner = owner;
  }

  release(owner: CycleRows): void {
    if (this.owner === owner) this.owner = undefined;
  }
}

/** Rows of one cycle, per output, until `seal` turns them into one Arrow batch per table. */
export class CycleRows {
  private readonly lists = new Map<OutputName, Row[]>(OUTPUT_NAMES.filter((name) => !COLUMNAR_OUTPUTS.includes(name)).map((name) => [name, []]));
  private sealed = false;

  constructor(private readonly columnar = new ColumnarOutputs()) {
    columnar.claim(this);
  }

  /** Queue alerts in emission order, published to the alerts topic after the commit. */
  get queueAlerts(): readonly QueueAlert[] {
    return this.lists.get('queueAlerts') as unknown as QueueAlert[];
  }

  add(output: OutputName, row: object): void {
    if (this.sealed) throw new StreamComputeServiceError('INTERNAL', `a ${output} row reached a cycle already sealed`);
    const builder = this.columnar.builders.get(output);
    if (builder !== undefined) builder.add(row as RecordOf<Fields>);
    else this.lists.get(output)!.push(row as Row);
  }

  count(output: OutputName): number {
    return this.columnar.builders.get(output)?.length ?? this.lists.get(output)!.length;
  }

  /** Rows over all outputs. */
  get total(): number {
    let total = 0;
    for (const output of OUTPUT_NAMES) total += this.count(output);
    return total;
  }

  /** The rows of an output kept as records (every output but the columnar ones). */
  listOf(output: OutputName): readonly Row[] {
    const list = this.lists.get(output);
    if (list === undefined) throw new StreamComputeServiceError('INTERNAL', `${output} rows are kept as columns, not records`);
    return list;
  }

  /** The cycle's rows as one Arrow batch per output that has any; no row is added afterwards. */
  seal(): Map<OutputName, RecordBatch> {
    this.sealed = true;
    const batches = new Map<OutputName, RecordBatch>();
    try {
      for (const output of OUTPUT_NAMES) {
        const builder = this.columnar.builders.get(output);
        const rows = this.lists.get(output);
        const batch = builder !== undefined ? builder.finish() : rows !== undefined && rows.length > 0 ? arrowRecordBatchOf(recordOf(output), rows as RecordOf<Fields>[]) : undefined;
        if (batch !== undefined && batch.numRows > 0) batches.set(output, batch);
      }
    } finally {
      this.columnar.release(this);
    }
    return batches;
  }
}

/**
 * The operators' outputs routed to the current cycle's rows. `target()` is read on every call,
 * so outputs always land in the cycle being filled; `source()` says which message is being
 * processed (for the dead letters of rejected detections).
 */
export function routeOutputs(target: () => CycleRows, source: () => RejectedDetectionSource, onRejected: (reasonCode: string) => void = () => undefined): ComputeOutputs {
  return {
    itemCount: (row) => target().add('itemCounts', row),
    silverDetection: (row) => target().add('silverDetections', row),
    zoneDwell: (row) => target().add('zoneDwell', row),
    lineCrossing: (row) => target().add('lineCrossings', row),
    queueAlert: (row) => target().add('queueAlerts', row),
    lateEvent: (row) => target().add('lateEvents', row),
    rejected: (row) => {
      onRejected(row.reasonCode);
      target().add('deadLetters', deadLetterOfRejected(row, source()));
    },
  };
}
