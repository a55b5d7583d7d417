import { brotliCompressSync, brotliDecompressSync, gzipSync } from 'node:zlib';
import { DataFileContent, type DataFile } from '@retail/iceberg';
import { arrowRecordBatchOf, DeadLetter, deadLetterOf, QueueAlert } from '@retail/schema';
import { ComputePipeline, collectingOutputs } from '../operators';
import { CYCLE_FILE_VERSION, cycleFileDirectory, cycleFileLocation, cycleOfFileName, decodeCycleFile, encodeCycleFile, type CycleFile } from './cycle-file';

const deadLetter = deadLetterOf({ source: 't', message_id: '1:2:0:3', service: 'stream-compute', raw_payload: new Uint8Array([0, 1, 255]), reason: 'x', received_ts: 1_777_593_600_000_000 });

describe('cycle files', () => {
  it('round-trips stored data files, alerts and operator snapshots', async () => {
    const snapshot = new ComputePipeline({}, collectingOutputs().outputs).snapshot();
    const alert = { alert_id: 'a1' } as unknown as QueueAlert;
    const dataFile: DataFile = {
      content: DataFileContent.DATA,
      filePath: 's3://warehouse/silver/detections/data/event_date=2026-11-22/w0-e1-x-0.parquet',
      fileFormat: 'PARQUET',
      partition: [20_414],
      recordCount: 50_000,
      fileSizeInBytes: 2_000_000,
      lowerBounds: new Map([[3, new Uint8Array([1, 2])]]),
    };
    const file: CycleFile = { version: CYCLE_FILE_VERSION, writerId: 'w0', cycle: 12, dataFiles: { 'silver.detections': [dataFile] }, batches: {}, alerts: [alert], cameras: { 'cam-1': snapshot } };
    const decoded = decodeCycleFile(await encodeCycleFile(file), 'mem://f');
    expect(decoded.dataFiles).toEqual({ 'silver.detections': [dataFile] });
    expect(decoded.batches).toEqual({});
    expect(decoded.alerts).toEqual([alert]);
    expect(decoded.cameras['cam-1']).toEqual(JSON.parse(JSON.stringify(snapshot)));
    expect(new ComputePipeline({}, collectingOutputs().outputs).restore(decoded.cameras['cam-1']!)).toBeUndefined();
  });

  it('names a malformed data file entry as an invalid checkpoint', async () => {
    const bytes = await encodeCycleFile({ version: CYCLE_FILE_VERSION, writerId: 'w0', cycle: 1, dataFiles: {}, batches: {}, alerts: [], cameras: {} });
    const header = JSON.parse(brotliDecompressSync(Buffer.from(bytes).subarray(8, 8 + Buffer.from(bytes).readUInt32LE(4))).toString('utf8'));
    header.dataFiles = { 'silver.detections': [{ filePath: 'x' }] };
    const broken = brotliCompressSync(JSON.stringify(header));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(broken.length);
    expect(() => decodeCycleFile(Buffer.concat([Buffer.from('SCYC'), length, broken, brotliCompressSync(Buffer.alloc(0))]), 's3://w/z')).toThrow(/cycle file s3:\/\/w\/z names an unreadable data file/);
  });

  it('still reads version 2 (rows as Arrow streams, with raw byte payloads)', async () => {
    const snapshot = new ComputePipeline({}, collectingOutputs().outputs).snapshot();
    const alert = { alert_id: 'a1' } as unknown as QueueAlert;
    const file: CycleFile = {
      version: 2,
      writerId: 'w0',
      cycle: 12,
      dataFiles: {},
      batches: { 'ops.dead_letters': arrowRecordBatchOf(DeadLetter, [deadLetter, { ...deadLetter, reason: 'y' }]) },
      alerts: [alert],
      cameras: { 'cam-1': snapshot },
    };
    const decoded = decodeCycleFile(await encodeCycleFile(file), 'mem://f');
    const batch = decoded.batches['ops.dead_letters']!;
    expect(batch.numRows).toBe(2);
    expect(batch.getChild('raw_payload')!.get(0)).toEqual(new Uint8Array([0, 1, 255]));
    expect(batch.getChild('reason')!.get(1)).toBe('y');
    expect(decoded.alerts).toEqual([alert]);
    expect(decoded.cameras['cam-1']).toEqual(JSON.parse(JSON.stringify(snapshot)));
    expect(new ComputePipeline({}, collectingOutputs().outputs).restore(decoded.cameras['cam-1']!)).toBeUndefined();
  });

  it('still reads the first layout (gzip\'d JSON rows), turning its rows into batches', () => {
    const legacy = { version: 1, writerId: 'w0', cycle: 3, cameras: {}, rows: { 'ops.dead_letters': [{ ...deadLetter, raw_payload: { $bytes: Buffer.from([7, 8]).toString('base64') } }], 'gold.zone_dwell': [] } };
    const decoded = decodeCycleFile(gzipSync(JSON.stringify(legacy)), 'mem://old');
    expect(decoded.cycle).toBe(3);
    expect(decoded.batches['ops.dead_letters']!.getChild('raw_payload')!.get(0)).toEqual(new Uint8Array([7, 8]));
    expect(decoded.batches['gold.zone_dwell']).toBeUndefined();
  });

  it('reads files whose parts were gzip\'d (written before brotli)', () => {
    const header = gzipSync(JSON.stringify({ version: 2, writerId: 'w0', cycle: 4, alerts: [], cameras: {}, tables: [] }));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length);
    const decoded = decodeCycleFile(Buffer.concat([Buffer.from('SCYC'), length, header, gzipSync(Buffer.alloc(0))]), 'mem://gz');
    expect([decoded.cycle, Object.keys(decoded.batches)]).toEqual([4, []]);
  });

  it('refuses bytes that are not a cycle file, and other versions', async () => {
    expect(() => decodeCycleFile(new Uint8Array([1, 2, 3]), 's3://w/x')).toThrow(/cycle file s3:\/\/w\/x is not a cycle file/);
    const other = await encodeCycleFile({ version: 99, writerId: 'w0', cycle: 1, dataFiles: {}, batches: {}, alerts: [], cameras: {} });
    expect(() => decodeCycleFile(other, 's3://w/y')).toThrow(/has version 99, this service reads 1, 2 and 3/);
  });

  it('names files per subscription, writer and cycle, and reads the cycle back from a name', () => {
    const location = cycleFileLocation('s3://warehouse/checkpoints/stream-compute', 'stream compute', 'w/0', 42, 'ab12');
    expect(location).toBe('s3://warehouse/checkpoints/stream-compute/stream_compute/w_0/cycle-0000000042-ab12.bin');
    expect(location.startsWith(cycleFileDirectory('s3://warehouse/checkpoints/stream-compute/', 'stream compute', 'w/0'))).toBe(true);
    expect(cycleOfFileName(location)).toBe(42);
    expect(cycleOfFileName('s3://w/c/s/w/cycle-0000000007-ff00.json.gz')).toBe(7);
    expect(cycleOfFileName('s3://w/c/s/w/notes.txt')).toBeUndefined();
  });
});
