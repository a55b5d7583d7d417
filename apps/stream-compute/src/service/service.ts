import { randomBytes } from 'node:crypto';
import {
  ExactlyOnceWriter,
  FileIOResolver,
  isPermanentIcebergError,
  RestCatalog,
  snapshotExpiryReport,
  SnapshotExpiryJob,
  workerParquetEncoder,
  type DataFile,
  type TableIdentifier,
  type TableMetadata,
} from '@retail/iceberg';
import { MessageId, PulsarAdmin, PulsarClient, type Consumer, type Message } from '@retail/pulsar';
import { catalogAuthOf, type Logger, type Registry } from '@retail/runtime';
import { Camera, Store, type QueueAlert, type RecordType } from '@retail/schema';
import type { RecordBatch } from 'apache-arrow';
import type { StreamComputeConfig } from '../config';
import {
  ComputePipeline,
  dedupRefsOf,
  normaliseComputeOptions,
  ReferenceTables,
  type ComputeOptions,
  type DedupIds,
  type PipelineSnapshot,
  type RejectedDetectionSource,
} from '../operators';
import { AlertPublisher, ensureAlertDeduplication } from './alerts';
import {
  appliedCycle,
  assertCycleNotApplied,
  cameraEntryOf,
  camerasTakenOver,
  completedCyclesOf,
  isAtOrBelow,
  newestCameraSource,
  stateCheckpointOf,
  stateCheckpointsByWriter,
  stateCheckpointTimes,
  type CameraBase,
  type CameraCommit,
  type OutputCheckpoint,
  type StateCheckpoint,
} from './checkpoint';
import { computeOptionsOf } from './compute-options';
import { CYCLE_FILE_VERSION, cycleFileDirectory, cycleFileLocation, cycleOfFileName, decodeCycleFile, encodeCycleFile, type CycleFile } from './cycle-file';
import { cycleFilesToDelete, folderListerFor, oldestChainedCycle, referencedCycleFiles, type FolderLister } from './cycle-file-cleanup';
import { decodeDetection, SERVICE_NAME } from './decode';
import { StreamComputeServiceError } from './errors';
import { createComputeMetrics, type ComputeMetrics } from './metrics';
import { CHECKPOINT_OUTPUT, ColumnarOutputs, CycleRows, OUTPUT_NAMES, recordOf, routeOutputs, tableKeyOf, type OutputName } from './outputs';
import { PartitionClocks } from './partition-clocks';
import { loadReference, referenceVersions, type LoadedReference, type ReferenceSource } from './reference';
import { ensureVerifiedTable, OUTPUT_METRICS_SETTINGS, qualifiedName, tableIdentifierOf } from './tables';

/** How long a receive waits before re-checking whether to stop or commit. */
const RECEIVE_POLL_MS = 200;
/**
 * Messages taken per receive: one await per batch instead of per message (the per-message await
 * cost about as much as processing the detection). Larger batches only delay a cycle's start.
 */
const RECEIVE_BATCH_MAX = 1_000;
/**
 * Messages the broker may push ahead per partition. Above the client's 1,000 default: permits go
 * back in fewer flow commands, and a receive batch finds more buffered (a few MB at most).
 */
const RECEIVER_QUEUE_SIZE = 5_000;
/** The operators want `tick(now)` about once a second so idleness is noticed without input. */
export const TICK_INTERVAL_MS = 1_000;
const RETRY_MIN_MS = 200;
const RETRY_MAX_MS = 5_000;

export type ReadyPart = 'tables' | 'reference' | 'pulsar';

export interface StreamComputeServiceOptions {
  config: StreamComputeConfig;
  logger: Logger;
  metrics: Registry;
  onReady?: (what: ReadyPart, detail: string) => void;
  /** Tests only: awaited between a cycle's checkpoint commit (step 2) and its other tables (step 3). */
  beforeOutputTables?: (cycle: number) => Promise<void>;
}

/** A camera (message key) whose operator state is in memory. */
interface LiveCamera {
  pipeline: ComputePipeline;
  /** Newest processed message (committed or not): the skip decision uses it. */
  position: MessageId | undefined;
  /** Newest committed position this instance knows: the baseline of the takeover check. */
  known: MessageId | undefined;
  /** Version of the committed state the in-memory state derives from (0: none; see CameraEntry). */
  version: number;
  lastSeenMs: number;
}

/** What one commit cycle gathered. */
class Cycle {
  readonly rows: CycleRows;
  readonly acks: MessageId[] = [];
  /** Cameras whose state changed (processed a message, or a tick emitted rows). */
  readonly dirty = new Set<string>();
  messages = 0;
  startedMs = 0;

  constructor(columnar: ColumnarOutputs) {
    this.rows = new CycleRows(columnar);
  }

  get empty(): boolean {
    return this.messages === 0 && this.dirty.size === 0;
  }
}

/** A cycle's rows for one table: data files stored before the checkpoint (cycle files since version 3), or a batch (older cycle files). */
type TableRows = { files: readonly DataFile[] } | { batch: RecordBatch };

function rowsIn(rows: TableRows): number {
  return 'files' in rows ? rows.files.reduce((sum, file) => sum + file.recordCount, 0) : rows.batch.numRows;
}

/** One output table: this instance's exactly-once writer on it. */
class OutputSink {
  private written = false;
  /** Other writers' cycles this writer completed on the table (carried in its markers; see OutputCheckpoint). */
  completed: Record<string, number> = {};

  constructor(
    readonly output: OutputName,
    readonly record: RecordType,
    readonly identifier: TableIdentifier,
    readonly writer: ExactlyOnceWriter<unknown>,
  ) {}

  /**
   * Writes the rows (or adds their stored files) once and commits them with `checkpoint`; called
   * again after a failure it completes the same commit (a commit that landed without its response
   * is never applied twice).
   */
  async commit(rows: TableRows | undefined, checkpoint: StateCheckpoint | OutputCheckpoint, validate?: (base: TableMetadata) => void): Promise<void> {
    if (!this.written && rows !== undefined) {
      try {
        if ('files' in rows) this.writer.addFiles(rows.files);
        else if (rows.batch.numRows > 0) await this.writer.write(rows.batch);
      } catch (error) {
        await this.writer.abort(); // forgets added files without deleting them: the cycle file names them
        throw error;
      }
    }
    this.written = true;
    await this.writer.commit(checkpoint, validate);
    this.written = false;
  }
}

/** True for errors no retry can fix: the instance stops (and exits non-zero). */
export function isFatal(error: unknown): boolean {
  if (error instanceof StreamComputeServiceError) return !error.retriable;
  return isPermanentIcebergError(error);
}

/**
 * Detections (Pulsar, Key_Shared by camera) → per-camera operator pipelines → Iceberg, exactly
 * once. See docs/stream-compute.md, "Checkpoints and scaling": each cycle writes a cycle file
 * (rows + changed cameras' state), commits gold.item_counts with the state checkpoint (the atomic
 * point), then the other tables with the cycle number, publishes queue alerts, and only then
 * acknowledges the cycle's messages one by one.
 */
export class StreamComputeService {
  private readonly config: StreamComputeConfig;
  private readonly log: Logger;
  private readonly metrics: ComputeMetrics;
  private readonly computeOptions: ComputeOptions;
  private readonly writerId: string;
  private readonly subscription: string;
  private readonly stateBase: string;
  /** Silver rows go into Arrow columns as they arrive; the cycles take the builders in turn. */
  private readonly columnar = new ColumnarOutputs();
  private current = new Cycle(this.columnar);
  /** The message being processed: a rejected detection's dead letter names it (built only on rejection). */
  private sourceMessage: Message | undefined;
  private sourceReceivedTs = 0;
  private readonly outputs = routeOutputs(
    () => this.current.rows,
    (): RejectedDetectionSource => ({
      source: this.sourceMessage?.topic ?? '',
      messageId: this.sourceMessage?.messageId.toString() ?? '',
      rawPayload: this.sourceMessage?.data ?? new Uint8Array(),
      receivedTs: this.sourceReceivedTs,
    }),
    (reasonCode) => this.metrics.deadLetters.inc({ reason: reasonCode }),
  );
  private readonly live = new Map<string, LiveCamera>();
  /** Evidence that time moved, per partition, for idle cameras (not the wall clock). */
  private readonly clocks = new PartitionClocks();
  /** Committed per-camera entries of this instance's checkpoint (cameras may be evicted from memory). */
  private entries = new Map<string, CameraCommit>();
  private cycleNumber = -1;
  private readonly completedCycles = new Set<string>();
  private readonly cycleFiles = new Map<string, CycleFile>();
  private reference: ReferenceTables = ReferenceTables.empty();
  private referenceVersion: LoadedReference['versions'] | undefined;
  private catalog!: RestCatalog;
  private io!: FileIOResolver;
  private sinks = new Map<OutputName, OutputSink>();
  private client: PulsarClient | undefined;
  private consumer: Consumer | undefined;
  private alerts: AlertPublisher | undefined;
  private stopping = false;
  private sweepDue = false;
  private cleanupDue = false;
  private expiryDue = false;
  private expiry: SnapshotExpiryJob | undefined;
  private lister: FolderLister | undefined;
  private firstCycleLogged = false;
  private finished = false;
  private fatal: unknown;
  private wake: (() => void) | undefined;
  private pump: Promise<void> | undefined;
  private timers: NodeJS.Timeout[] = [];
  readonly done: Promise<void>;
  private settle!: { resolve: () => void; reject: (error: unknown) => void };

  constructor(private readonly options: StreamComputeServiceOptions) {
    this.config = options.config;
    this.log = options.logger;
    this.metrics = createComputeMetrics(options.metrics);
    this.computeOptions = normaliseComputeOptions(computeOptionsOf(options.config));
    this.writerId = options.config.writer.id;
    this.subscription = options.config.input.subscription;
    const warehouse = options.config.catalog.warehouse;
    this.stateBase = options.config.checkpoint.stateLocation ?? defaultStateBase(warehouse, options.config.tables.namespacePrefix);
    this.done = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    this.done.catch(() => undefined);
  }

  async start(): Promise<void> {
    try {
      await this.open();
    } catch (error) {
      await this.finish(error);
      throw error;
    }
    void this.commitLoop().then(
      () => this.finish(),
      (error: unknown) => this.finish(error),
    );
  }

  /** Graceful stop: no more consuming, commit the open cycle, acknowledge it, close. */
  async stop(): Promise<void> {
    this.stopping = true;
    void this.expiry?.stop(); // no further table; the one in progress finishes
    this.wake?.();
    await this.done.catch(() => undefined);
  }

  /** For readiness: the catalog answers a cheap request. */
  async catalogReachable(): Promise<boolean> {
    const sink = this.sinks.get(CHECKPOINT_OUTPUT);
    if (!sink) return false;
    return this.catalog.namespaceExists(sink.identifier.namespace).catch(() => false);
  }

  /** Cameras with state in memory (tests, metrics). */
  get liveCameras(): string[] {
    return [...this.live.keys()];
  }

  private async open(): Promise<void> {
    const { config } = this;
    const auth = catalogAuthOf(config.catalog, SERVICE_NAME);
    this.catalog = await RestCatalog.connect({
      uri: config.catalog.url,
      warehouse: config.catalog.warehouse,
      requestTimeoutMs: config.catalog.requestTimeoutMs,
      ...(auth ? { auth } : {}),
    });
    this.io = new FileIOResolver({ s3: { ...config.s3 } });
    // Created first: recovery may re-publish the queue alerts of the last cycle.
    this.client = new PulsarClient({
      serviceUrl: config.pulsar.serviceUrl,
      ...(config.pulsar.authToken ? { authentication: { token: config.pulsar.authToken } } : {}),
    });
    if (config.alerts.enabled) {
      const admin = new PulsarAdmin({ adminUrl: config.pulsar.adminUrl, ...(config.pulsar.authToken ? { token: config.pulsar.authToken } : {}) });
      const deduplication = await ensureAlertDeduplication(admin, config.alerts.topic, config.alerts.provisionDeduplication);
      if (deduplication === 'provisioned') this.log.info({ topic: config.alerts.topic }, 'turned on broker deduplication for the alerts namespace');
      this.alerts = new AlertPublisher(this.client, config.alerts.topic);
    }

    // Tables: verified against the contract, then one writer per table (claims a new epoch: fences a zombie with the same id).
    const prefix = config.tables.namespacePrefix;
    for (const output of OUTPUT_NAMES) {
      await ensureVerifiedTable(this.catalog, recordOf(output), tableIdentifierOf(recordOf(output), prefix), OUTPUT_METRICS_SETTINGS[tableKeyOf(output)]);
    }
    const opened = await Promise.all(
      OUTPUT_NAMES.map(async (output) => {
        const identifier = tableIdentifierOf(recordOf(output), prefix);
        const { writer, checkpoint } = await ExactlyOnceWriter.start<unknown>({
          catalog: this.catalog,
          io: this.io,
          identifier,
          writerId: this.writerId,
          commit: { onRetry: () => this.metrics.commitRetries.inc() },
          // Parquet encoding is the largest CPU cost of a cycle: off the thread that consumes and processes.
          encoder: workerParquetEncoder(),
        });
        const sink = new OutputSink(output, recordOf(output), identifier, writer);
        sink.completed = completedCyclesOf(checkpoint, this.subscription, this.writerId);
        return sink;
      }),
    );
    for (const sink of opened) this.sinks.set(sink.output, sink);
    this.expiry = this.outputSnapshotExpiry();
    await this.recoverOwnCheckpoint();
    if (config.checkpoint.cleanupEnabled) {
      this.lister = folderListerFor(this.stateBase, this.io);
      if (!this.lister) this.log.warn({ location: this.stateBase }, 'cycle files at this location cannot be listed: old ones are not deleted');
      // Also what a crash between a commit and its cleanup left behind.
      await this.cleanupCycleFiles().catch((error: unknown) => this.log.warn({ err: error }, 'deleting old cycle files failed; trying again later'));
      this.timers.push(setInterval(() => (this.cleanupDue = true), config.checkpoint.cleanupIntervalMs));
    }
    this.options.onReady?.('tables', `tables verified, epochs claimed, cycle ${this.cycleNumber} recovered`);

    await this.loadReferenceUntilReady();
    this.timers.push(setInterval(() => void this.refreshReference(), config.reference.refreshIntervalMs));

    this.consumer = await this.client.subscribe({
      topic: config.input.topic,
      subscription: this.subscription,
      // Key_Shared: instances share the cameras; a camera's messages go to one instance, in order,
      // and move to another only after the earlier ones were acknowledged (i.e. committed).
      subscriptionType: 'KeyShared',
      keySharedPolicy: { mode: 'autoSplit' },
      subscriptionInitialPosition: 'earliest',
      receiverQueueSize: RECEIVER_QUEUE_SIZE,
      consumerName: `${this.writerId}-${process.pid}`,
    });
    this.options.onReady?.('pulsar', `subscribed to ${config.input.topic} (${this.subscription}, Key_Shared)`);
    this.timers.push(setInterval(() => this.tick(), TICK_INTERVAL_MS));
    // Runs in the commit loop, between cycles: the table writers take one commit at a time.
    this.timers.push(setInterval(() => (this.sweepDue = true), config.checkpoint.foreignCycleSweepMs));
    if (config.snapshotExpiry.enabled) this.timers.push(setInterval(() => (this.expiryDue = true), config.snapshotExpiry.intervalMs));
    this.pump = this.consume(this.consumer).catch((error: unknown) => this.fail(error));
  }

  // ---- recovery ------------------------------------------------------------------------------

  private get checkpointSink(): OutputSink {
    return this.sinks.get(CHECKPOINT_OUTPUT)!;
  }

  /** This instance's last committed cycle: its camera entries, and the cycle completed in every table. */
  private async recoverOwnCheckpoint(): Promise<void> {
    const own = stateCheckpointsByWriter(this.checkpointSink.writer.table, this.subscription).get(this.writerId);
    if (!own) return;
    this.cycleNumber = own.cycle;
    for (const camera of Object.keys(own.cameras)) this.entries.set(camera, cameraEntryOf(own, camera)!);
    await this.completeCycle(this.writerId, own);
    this.log.info({ cycle: own.cycle, cameras: this.entries.size }, 'recovered own checkpoint');
  }

  /**
   * Makes sure every output table holds the rows of `writerId`'s cycle (the checkpoint table got
   * them atomically with the checkpoint; a crash may have stopped the others) and that its queue
   * alerts reached the topic. Idempotent: a table
   * whose newest applied cycle of that writer is at least this one is left alone, and the check is
   * repeated on the metadata each commit attempt is made against.
   */
  private async completeCycle(writerId: string, checkpoint: StateCheckpoint): Promise<void> {
    const key = `${writerId}#${checkpoint.cycle}`;
    if (this.completedCycles.has(key)) return;
    let file: CycleFile | undefined;
    for (const output of OUTPUT_NAMES) {
      if (output === CHECKPOINT_OUTPUT) continue;
      const sink = this.sinks.get(output)!;
      const metadata = (await this.catalog.loadTable(sink.identifier)).metadata;
      if (appliedCycle(metadata, this.subscription, writerId) >= checkpoint.cycle) continue;
      file ??= await this.readCycleFile(checkpoint.cycleFile);
      const files = file.dataFiles[tableKeyOf(output)];
      const batch = file.batches[tableKeyOf(output)];
      const rows: TableRows | undefined = files ? { files } : batch ? { batch } : undefined;
      if (rows === undefined || rowsIn(rows) === 0) continue;
      if (files) await this.assertStored(files, key, tableKeyOf(output));
      await this.commitCycleRows(sink, writerId, checkpoint.cycle, rows);
      this.log.info({ table: tableKeyOf(output), cycle: key, rows: rowsIn(rows) }, 'completed a half-committed cycle');
    }
    // Its queue alerts may not all have reached the topic: send them again (the broker drops repeats).
    if (this.alerts) {
      file ??= await this.readCycleFile(checkpoint.cycleFile);
      const alerts = file.alerts;
      if (alerts.length > 0) await this.retry(() => this.alerts!.publish(alerts));
    }
    this.completedCycles.add(key);
  }

  /**
   * A half-committed cycle's data files must still exist before they are appended: they are in no
   * snapshot until then, so an orphan-file sweep whose safety age is shorter than the outage
   * removes them. Appending them anyway would leave the table naming missing files; stopping with
   * the reason leaves the decision to an operator (the rows are lost).
   */
  private async assertStored(files: readonly DataFile[], cycle: string, table: string): Promise<void> {
    const stored = await Promise.all(files.map((file) => this.retryValue(() => this.io.exists(file.filePath))));
    const missing = files.filter((_, i) => !stored[i]).map((file) => file.filePath);
    if (missing.length === 0) return;
    throw new StreamComputeServiceError(
      'INVALID_CHECKPOINT',
      `cycle ${cycle} cannot be completed on ${table}: its data files ${missing.join(', ')} are gone (removed as orphans by a sweep with a safety age shorter than the outage?); ` +
        'restore them from a backup, or drop the writer\'s checkpoint to go on without that cycle\'s rows',
    );
  }

  /**
   * Appends one cycle's rows to an output table with its `output` marker. Every commit of a cycle
   * to a non-checkpoint table goes through here, whoever makes it (the cycle's own writer in step 3,
   * itself after a restart, or another instance completing a stalled cycle): each attempt refuses,
   * on the metadata it commits against, if the table already holds that writer's cycle, so the rows
   * are never appended twice. The refusal is fatal: the instance restarts and re-reads the tables
   * (the writer's queued append cannot be dropped otherwise).
   */
  private async commitCycleRows(sink: OutputSink, writerId: string, cycle: number, rows: TableRows): Promise<void> {
    const completed = writerId === this.writerId ? sink.completed : { ...sink.completed, [writerId]: cycle };
    const marker: OutputCheckpoint = {
      kind: 'output',
      subscription: this.subscription,
      writer: writerId,
      cycle,
      ...(Object.keys(completed).length > 0 ? { completed } : {}),
    };
    await this.retry(() => sink.commit(rows, marker, (base) => assertCycleNotApplied(base, this.subscription, writerId, cycle, qualifiedName(sink.identifier))));
    sink.completed = completed;
    this.metrics.rowsOut.inc({ table: tableKeyOf(sink.output) }, rowsIn(rows));
  }

  /** Completes other instances' newest cycles that have stood half-committed for long (see FOREIGN_CYCLE_GRACE_MS). */
  private async completeStalledCycles(): Promise<void> {
    if (this.stopping) return;
    const metadata = (await this.catalog.loadTable(this.checkpointSink.identifier)).metadata;
    for (const [writerId, { checkpoint, timestampMs }] of stateCheckpointTimes(metadata, this.subscription)) {
      if (writerId === this.writerId || Date.now() - timestampMs < this.config.checkpoint.foreignCycleGraceMs) continue;
      await this.completeCycle(writerId, checkpoint);
    }
  }

  /**
   * Deletes this writer's cycle files that no writer's newest checkpoint refers to (see
   * cycle-file-cleanup.ts). Runs between cycles and at start, so it never races this writer's own commits.
   */
  private async cleanupCycleFiles(): Promise<void> {
    if (this.lister === undefined || this.cycleNumber < 0) return;
    const metadata = (await this.catalog.loadTable(this.checkpointSink.identifier)).metadata;
    const checkpoints = [...stateCheckpointsByWriter(metadata, this.subscription).values()];
    const directory = cycleFileDirectory(this.stateBase, this.subscription, this.writerId);
    const listed = await this.lister.list(directory);
    const doomed = cycleFilesToDelete(listed, referencedCycleFiles(checkpoints), this.cycleNumber, oldestChainedCycle(checkpoints, directory));
    for (const location of doomed) {
      await this.io.delete(location);
      this.cycleFiles.delete(location);
      this.metrics.cycleFilesDeleted.inc();
    }
    if (doomed.length > 0) this.log.debug({ deleted: doomed.length, kept: listed.length - doomed.length }, 'deleted old cycle files');
  }

  private async readCycleFile(location: string): Promise<CycleFile> {
    const cached = this.cycleFiles.get(location);
    if (cached) return cached;
    const file = decodeCycleFile(await this.io.read(location), location);
    // Adoption reads many cameras from the same few files; keep the last few.
    if (this.cycleFiles.size >= 4) this.cycleFiles.delete(this.cycleFiles.keys().next().value!);
    this.cycleFiles.set(location, file);
    return file;
  }

  /**
   * The camera's operator state: in memory, or else the newest committed one across all instances
   * (the camera may have moved here from another instance), or else a fresh pipeline.
   */
  private async cameraFor(camera: string, nowMs: number): Promise<LiveCamera> {
    await this.adoptCameras([camera], nowMs);
    return this.live.get(camera)!;
  }

  /**
   * Brings cameras without state in memory in: one catalog load for all of them (loaded after
   * their messages arrived, so it holds every earlier owner's final commit: Key_Shared hands a
   * camera over only once its previous owner acknowledged, i.e. committed).
   */
  private async adoptCameras(cameras: readonly string[], nowMs: number): Promise<void> {
    const missing = cameras.filter((camera) => !this.live.has(camera));
    if (missing.length === 0) return;
    const metadata = await this.retryValue(async () => (await this.catalog.loadTable(this.checkpointSink.identifier)).metadata);
    const checkpoints = stateCheckpointsByWriter(metadata, this.subscription);
    // Files read for this adoption: the cameras' state files and the older files their dedup deltas are in (each read once).
    const files = new Map<string, CycleFile>();
    const fileAt = async (location: string) => {
      let file = files.get(location);
      if (file === undefined) files.set(location, (file = await this.retryValue(() => this.readCycleFile(location))));
      return file;
    };
    for (const camera of missing) {
      const found = newestCameraSource(checkpoints, camera);
      const pipeline = new ComputePipeline(this.computeOptions, this.outputs, this.reference);
      if (found) {
        const stateFile = await fileAt(found.file);
        const snapshot = stateFile.cameras[camera];
        if (!snapshot) throw new StreamComputeServiceError('INVALID_CHECKPOINT', `checkpoint of ${found.writerId} cycle ${found.checkpoint.cycle} points camera ${camera} at ${found.file}, which lacks its state`);
        await this.republishAlertsOf(stateFile, camera);
        const deltas = new Map<string, DedupIds | undefined>();
        for (const ref of dedupRefsOf(snapshot)) deltas.set(ref, storedDedupDelta((await fileAt(ref)).cameras[camera]));
        pipeline.restore(snapshot, (ref) => deltas.get(ref), found.file);
        // Another writer's files are cleaned up by that writer: this one's next commit of the camera stores its dedup state whole.
        if (found.writerId !== this.writerId) pipeline.requireFullSnapshot();
        this.entries.set(camera, { position: found.position, file: found.file, version: found.version, ...(found.chainFrom !== undefined ? { chainFrom: found.chainFrom } : {}) });
      }
      if (this.live.has(camera)) continue; // adopted meanwhile (only one consume loop runs; defensive)
      const committed = found === undefined ? undefined : MessageId.fromString(found.position);
      this.live.set(camera, { pipeline, position: committed, known: committed, version: found?.version ?? 0, lastSeenMs: nowMs });
      if (found && found.writerId !== this.writerId) this.log.info({ camera, from: found.writerId, position: found.position }, 'camera taken over');
    }
    this.metrics.cameras.set(this.live.size);
  }

  /**
   * Publishes (again) the queue alerts of `camera` in the cycle its state comes from, before any
   * newer message of the camera is processed here. That cycle may have committed without reaching
   * step 4 (its writer was killed); its messages, unacknowledged, then come here, are skipped by
   * position, and the camera's next alert would reach the topic first, after which the broker
   * drops the older one as a repeat (alert sequence ids are event times). The broker drops those
   * already published. Skipped for a cycle this process completed (its own step 4, or
   * completeCycle at start, which publish all of the cycle's alerts).
   */
  private async republishAlertsOf(file: CycleFile, camera: string): Promise<void> {
    if (!this.alerts || this.completedCycles.has(`${file.writerId}#${file.cycle}`)) return;
    const alerts = file.alerts.filter((alert) => alert.camera_id === camera);
    if (alerts.length > 0) await this.retry(() => this.alerts!.publish(alerts));
  }

  // ---- consuming -----------------------------------------------------------------------------

  private async consume(consumer: Consumer): Promise<void> {
    while (!this.stopping) {
      const room = this.config.checkpoint.maxMessages - this.current.messages;
      if (room <= 0) {
        this.wake?.();
        await sleep(10);
        continue;
      }
      let batch: Message[];
      try {
        batch = await consumer.receiveBatch(Math.min(RECEIVE_BATCH_MAX, room), RECEIVE_POLL_MS);
      } catch (error) {
        if (this.stopping) return;
        this.log.warn({ err: error }, 'receive failed; retrying');
        await sleep(RETRY_MIN_MS);
        continue;
      }
      if (batch.length > 0) await this.handleBatch(consumer, batch);
      this.clocks.received(batch.length < Math.min(RECEIVE_BATCH_MAX, room));
    }
  }

  /**
   * Handles received messages in order. Runs synchronously except where a camera's state must be
   * loaded first, so a cycle is swapped (and snapshotted) only between two messages.
   */
  private async handleBatch(consumer: Consumer, batch: readonly Message[]): Promise<void> {
    const unknown = new Set<string>();
    for (const message of batch) if (!this.live.has(message.key ?? '')) unknown.add(message.key ?? '');
    if (unknown.size > 0) await this.adoptCameras([...unknown], Date.now());
    let nowMs = Date.now();
    let skipped = 0;
    let late = 0;
    for (const message of batch) {
      const camera = message.key ?? '';
      let state = this.live.get(camera);
      if (state === undefined) {
        state = await this.cameraFor(camera, nowMs);
        nowMs = Date.now();
      }
      state.lastSeenMs = nowMs;
      const id = message.messageId;
      const streamMs = this.clocks.observe(id.partition, message.publishTime, nowMs);
      if (isAtOrBelow(state.position, id)) {
        // Its effect is committed (or in the open cycle): a redelivery.
        skipped++;
        if (isAtOrBelow(state.known, id)) consumer.acknowledge(id);
        continue;
      }
      late += this.process(state, camera, message, nowMs, streamMs);
    }
    this.metrics.eventsIn.inc(batch.length);
    if (skipped > 0) this.metrics.skipped.inc(skipped);
    if (late > 0) this.metrics.late.inc(late);
  }

  /** One new message of a live camera into the open cycle; returns how many late events it produced. */
  private process(state: LiveCamera, camera: string, message: Message, nowMs: number, streamMs: number): number {
    const cycle = this.current;
    const receivedTs = nowMs * 1000;
    const decoded = decodeDetection(message, receivedTs);
    let late = 0;
    if (decoded.ok) {
      this.sourceMessage = message;
      this.sourceReceivedTs = receivedTs;
      const lateBefore = cycle.rows.count('lateEvents');
      state.pipeline.process(decoded.event, nowMs, streamMs);
      late = cycle.rows.count('lateEvents') - lateBefore;
    } else {
      cycle.rows.add('deadLetters', decoded.deadLetter);
      this.metrics.deadLetters.inc({ reason: decoded.reason });
    }
    state.position = message.messageId;
    cycle.dirty.add(camera);
    cycle.acks.push(message.messageId);
    if (cycle.messages++ === 0) cycle.startedMs = Date.now();
    return late;
  }

  /** Lets processing time pass for every camera in memory; evicts cameras silent for long. */
  private tick(): void {
    if (this.stopping) return;
    const now = Date.now();
    const cycle = this.current;
    for (const [camera, state] of this.live) {
      const before = cycle.rows.total;
      state.pipeline.tick(now, this.clocks.evidenceOf(state.position?.partition ?? -1));
      if (cycle.rows.total !== before) cycle.dirty.add(camera);
      const watermark = state.pipeline.watermark;
      if (Number.isFinite(watermark)) this.metrics.watermarkLag.set({ camera }, Math.max(0, now / 1000 - watermark / 1e6));
      const committed = state.position === state.known;
      if (committed && !cycle.dirty.has(camera) && now - state.lastSeenMs > this.config.checkpoint.cameraEvictAfterMs) {
        this.live.delete(camera); // its entry stays in the checkpoint; the next message reloads it
        this.metrics.watermarkLag.remove({ camera });
      }
    }
    this.metrics.cameras.set(this.live.size);
  }

  // ---- committing ----------------------------------------------------------------------------

  private async commitLoop(): Promise<void> {
    for (;;) {
      await this.nextTrigger();
      if (this.fatal !== undefined) throw this.fatal;
      if (this.stopping) await this.pump; // the last message handled before the final cycle
      const cycle = this.current;
      if (cycle.empty) {
        if (this.stopping) return;
      } else {
        // Sealed before the next cycle takes the column builders; no message is handled in between
        // (this, and commitCycle up to its first await, runs without yielding).
        const batches = cycle.rows.seal();
        this.current = new Cycle(this.columnar);
        await this.commitCycle(cycle, batches);
        if (this.fatal !== undefined) throw this.fatal;
      }
      await this.maintain();
    }
  }

  /**
   * Work that must not overlap this writer's commits, run between cycles (also on an idle
   * instance, which is the one most likely to have to complete a stalled instance's cycle).
   */
  private async maintain(): Promise<void> {
    if (this.sweepDue && !this.stopping) {
      this.sweepDue = false;
      await this.completeStalledCycles().catch((error: unknown) => {
        if (isFatal(error)) throw error;
        this.log.warn({ err: error }, 'looking for stalled cycles of other instances failed; trying again later');
      });
    }
    // Between cycles: no cycle file of this writer is being written or committed meanwhile.
    if (this.cleanupDue && !this.stopping) {
      this.cleanupDue = false;
      await this.cleanupCycleFiles().catch((error: unknown) => this.log.warn({ err: error }, 'deleting old cycle files failed; trying again later'));
    }
    if (this.expiryDue && !this.stopping) {
      this.expiryDue = false;
      await this.expiry?.runOnce();
    }
  }

  /**
   * Expiry of every output table's old snapshots (one commit per cycle otherwise grows the history,
   * and with it every metadata load and recovery walk, without bound). Run by `maintain`, between
   * cycles, not on the job's own timer. `expireSnapshots` keeps each writer's newest snapshot and
   * newest checkpoint and the chain down to them, which is all this service reads: the newest state
   * checkpoint per writer on gold.item_counts (adoption, recovery) and the newest `output` marker
   * per writer on the other tables (`appliedCycle`; completions of other writers' cycles are carried
   * forward in the completing writer's own markers). Cycle files are not Iceberg files: expiry never
   * deletes them.
   */
  private outputSnapshotExpiry(): SnapshotExpiryJob {
    const sinks = [...this.sinks.values()];
    const labels = new Map(sinks.map((sink) => [sink.identifier, tableKeyOf(sink.output)]));
    return new SnapshotExpiryJob({
      settings: this.config.snapshotExpiry,
      tables: () => sinks.map((sink) => sink.identifier),
      target: { catalog: this.catalog, io: this.io },
      onOutcome: snapshotExpiryReport({
        log: this.log,
        expired: this.metrics.snapshotsExpired,
        failures: this.metrics.snapshotExpiryFailures,
        tableLabel: (identifier) => labels.get(identifier) ?? qualifiedName(identifier),
      }),
    });
  }

  private async nextTrigger(): Promise<void> {
    const { intervalMs, maxMessages } = this.config.checkpoint;
    for (;;) {
      if (this.stopping || this.fatal !== undefined) return;
      const cycle = this.current;
      if (cycle.empty && (this.sweepDue || this.cleanupDue || this.expiryDue)) return;
      if (cycle.messages >= maxMessages) return;
      if (!cycle.empty && cycle.startedMs > 0 && Date.now() - cycle.startedMs >= intervalMs) return;
      const wait = cycle.startedMs > 0 ? Math.max(1, intervalMs - (Date.now() - cycle.startedMs)) : Math.min(intervalMs, TICK_INTERVAL_MS);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      // A cycle that only got rows from ticks has no start time yet.
      if (this.current.startedMs === 0 && !this.current.empty) this.current.startedMs = Date.now();
    }
  }

  /** The cycle protocol (docs/stream-compute.md, "Checkpoints and scaling"). */
  private async commitCycle(cycle: Cycle, batches: ReadonlyMap<OutputName, RecordBatch>): Promise<void> {
    const timer = this.metrics.commitDuration.startTimer();
    const n = this.cycleNumber + 1;
    // 1. State and position of the cameras this cycle changed, taken now (synchronously, before
    //    any later message: processing goes on while the cycle commits).
    const cameras: CycleFile['cameras'] = {};
    const positions = new Map<string, { id: MessageId; version: number; chainFrom: number | undefined; pipeline: ComputePipeline }>();
    for (const camera of cycle.dirty) {
      const state = this.live.get(camera);
      if (state === undefined || state.position === undefined) continue;
      const snapshot = state.pipeline.snapshot();
      cameras[camera] = snapshot;
      positions.set(camera, { id: state.position, version: state.version + 1, chainFrom: chainStartOf(snapshot), pipeline: state.pipeline });
    }
    const alerts = cycle.rows.queueAlerts as QueueAlert[];
    // The other tables' rows are stored as data files now (encoded on the worker) and named in the
    // cycle file: step 3, or whoever completes the cycle, appends exactly these files.
    const outputTables = [...batches.keys()].filter((output) => output !== CHECKPOINT_OUTPUT);
    const dataFiles: CycleFile['dataFiles'] = {};
    await Promise.all(
      outputTables.map(async (output) => {
        dataFiles[tableKeyOf(output)] = await this.retryValue(() => this.sinks.get(output)!.writer.writeFiles(batches.get(output)!));
      }),
    );
    const location = cycleFileLocation(this.stateBase, this.subscription, this.writerId, n, randomBytes(4).toString('hex'));
    const bytes = await encodeCycleFile({ version: CYCLE_FILE_VERSION, writerId: this.writerId, cycle: n, dataFiles, batches: {}, alerts, cameras });
    await this.retry(() => this.io.write(location, bytes));
    this.metrics.stateBytes.set(bytes.length);

    // 2. The atomic point: checkpoint table rows + positions + state file references.
    const entries = new Map(this.entries);
    for (const [camera, { id, version, chainFrom }] of positions) {
      entries.set(camera, { position: id.toString(), file: location, version, ...(chainFrom !== undefined ? { chainFrom } : {}) });
    }
    const checkpoint = stateCheckpointOf(this.subscription, n, location, entries);
    const known = new Map([...cycle.dirty].map((camera) => [camera, baseOf(this.live.get(camera))]));
    const checkpointBatch = batches.get(CHECKPOINT_OUTPUT);
    await this.retry(() =>
      this.checkpointSink.commit(checkpointBatch && { batch: checkpointBatch }, checkpoint, (base) => {
        const taken = camerasTakenOver(stateCheckpointsByWriter(base, this.subscription), this.writerId, known, cycle.dirty);
        if (taken.length > 0) {
          throw new StreamComputeServiceError(
            'CAMERA_MOVED',
            `cameras ${taken.join(', ')} were committed by another instance beyond this instance's state (they moved away and back); restart to reload them`,
          );
        }
      }),
    );
    this.cycleNumber = n;
    this.entries = entries;
    for (const [camera, { id, version, pipeline }] of positions) {
      const state = this.live.get(camera);
      // The dedup delta of the snapshot is stored: later snapshots refer to it (unless the state was replaced meanwhile).
      if (state?.pipeline === pipeline) pipeline.persisted(location);
      if (state) {
        state.known = id;
        state.version = version;
      }
    }
    this.metrics.rowsOut.inc({ table: tableKeyOf(CHECKPOINT_OUTPUT) }, checkpointBatch?.numRows ?? 0);
    await this.options.beforeOutputTables?.(n);

    // 3. The other tables, each marked with the cycle (completed from the cycle file after a crash;
    //    if this instance stalled that long, another one may have completed it already: refused then).
    await Promise.all(outputTables.map((output) => this.commitCycleRows(this.sinks.get(output)!, this.writerId, n, { files: dataFiles[tableKeyOf(output)]! })));
    this.completedCycles.add(`${this.writerId}#${n}`);

    // 4. Queue alerts to the topic (deduplicated by the broker), then 5. acknowledgements.
    if (this.alerts && alerts.length > 0) {
      await this.retry(() => this.alerts!.publish(alerts));
      this.metrics.alertsPublished.inc(alerts.length);
    }
    for (const id of cycle.acks) {
      try {
        this.consumer?.acknowledge(id);
      } catch (error) {
        this.log.warn({ err: error }, 'acknowledge failed; the message is redelivered and skipped');
      }
    }
    timer();
    if (!this.firstCycleLogged) {
      this.firstCycleLogged = true;
      this.log.info({ cycle: n, messages: cycle.messages }, 'first cycle committed');
    }
    this.dropCamerasMovedAway();
  }

  /** Cameras another instance committed beyond this one's position moved away: forget them. */
  private dropCamerasMovedAway(): void {
    const checkpoints = stateCheckpointsByWriter(this.checkpointSink.writer.table, this.subscription);
    const mine = new Map<string, CameraBase>(this.entries);
    const gone = camerasTakenOver(checkpoints, this.writerId, mine, this.entries.keys()).filter((camera) => !this.current.dirty.has(camera));
    for (const camera of gone) {
      this.entries.delete(camera);
      this.live.delete(camera);
      this.metrics.watermarkLag.remove({ camera });
    }
    if (gone.length > 0) this.log.info({ cameras: gone }, 'cameras moved to other instances');
  }

  // ---- reference data ------------------------------------------------------------------------

  private referenceSource(): ReferenceSource {
    const prefix = this.config.tables.namespacePrefix;
    return {
      catalog: this.catalog,
      io: this.io,
      stores: tableIdentifierOf(Store, prefix),
      cameras: tableIdentifierOf(Camera, prefix),
    };
  }

  private async loadReferenceUntilReady(): Promise<void> {
    let delay = RETRY_MIN_MS;
    for (;;) {
      try {
        this.applyReference(await loadReference(this.referenceSource()));
        return;
      } catch (error) {
        if (this.stopping) throw error;
        if (error instanceof StreamComputeServiceError) throw error;
        this.log.warn({ err: error }, 'reference tables not readable yet; retrying');
        await sleep(delay);
        delay = Math.min(RETRY_MAX_MS, delay * 2);
      }
    }
  }

  private async refreshReference(): Promise<void> {
    try {
      const versions = await referenceVersions(this.referenceSource());
      if (versions.stores === this.referenceVersion?.stores && versions.cameras === this.referenceVersion?.cameras) return;
      this.applyReference(await loadReference(this.referenceSource()));
    } catch (error) {
      this.log.warn({ err: error }, 'reference refresh failed; keeping the current reference data');
    }
  }

  /** Swaps the join tables of every camera in one step (each detection sees one complete version). */
  private applyReference(loaded: LoadedReference): void {
    this.reference = loaded.tables;
    this.referenceVersion = loaded.versions;
    for (const state of this.live.values()) state.pipeline.replaceReference(loaded.tables);
    for (const problem of loaded.invalid) this.log.warn({ problem }, 'reference row skipped');
    this.options.onReady?.('reference', `${loaded.stores} stores, ${loaded.cameras} cameras (snapshots ${loaded.versions.stores}, ${loaded.versions.cameras})`);
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  private fail(error: unknown): void {
    this.fatal ??= error;
    this.stopping = true;
    void this.expiry?.stop();
    this.wake?.();
  }

  private async finish(error?: unknown): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    this.stopping = true;
    void this.expiry?.stop();
    this.wake?.();
    for (const timer of this.timers) clearInterval(timer);
    await this.pump?.catch(() => undefined);
    this.consumer?.flushAcknowledgements();
    await this.consumer?.close().catch(() => undefined);
    await this.client?.close().catch(() => undefined);
    this.io?.close();
    const failure = error ?? this.fatal;
    if (failure === undefined) this.settle.resolve();
    else this.settle.reject(failure);
  }

  /** Repeats `operation` with capped backoff until it succeeds or fails fatally. */
  private async retry(operation: () => Promise<unknown>): Promise<void> {
    await this.retryValue(operation);
  }

  private async retryValue<T>(operation: () => Promise<T>): Promise<T> {
    let delay = RETRY_MIN_MS;
    for (;;) {
      try {
        return await operation();
      } catch (error) {
        if (isFatal(error) || this.finished) throw error;
        this.metrics.commitRetries.inc();
        this.log.warn({ err: error }, 'operation failed; retrying');
        await sleep(delay);
        delay = Math.min(RETRY_MAX_MS, delay * 2);
      }
    }
  }
}

/**
 * `<warehouse>checkpoints/stream-compute/[<table prefix>/]`: deployments that differ only in the
 * table prefix (tests, staging) must not share a folder, since each deletes its writer's unreferenced files.
 */
export function defaultStateBase(warehouse: string, namespacePrefix: string): string {
  const root = `${warehouse.endsWith('/') ? warehouse : `${warehouse}/`}checkpoints/stream-compute/`;
  return namespacePrefix === '' ? root : `${root}${namespacePrefix.replace(/_+$/, '')}/`;
}

/**
 * The oldest cycle whose file holds a dedup delta `snapshot` refers to (undefined: none; its own
 * delta is in the file it goes to). Refs are this writer's files: a camera adopted from another
 * writer is committed with its dedup state whole first.
 */
function chainStartOf(snapshot: PipelineSnapshot): number | undefined {
  let oldest: number | undefined;
  for (const ref of dedupRefsOf(snapshot)) {
    const cycle = cycleOfFileName(ref);
    if (cycle !== undefined) oldest = oldest === undefined ? cycle : Math.min(oldest, cycle);
  }
  return oldest;
}

/** `dedup.delta` of a camera's snapshot in a cycle file (the part later snapshots refer to); undefined when absent. */
function storedDedupDelta(snapshot: PipelineSnapshot | undefined): DedupIds | undefined {
  const dedup = snapshot?.dedup as { delta?: DedupIds } | undefined;
  return dedup?.delta;
}

/** The committed state a live camera's state derives from (undefined: none). */
function baseOf(state: LiveCamera | undefined): CameraBase | undefined {
  if (state?.known === undefined) return undefined;
  return { position: state.known.toString(), version: state.version };
}


function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
