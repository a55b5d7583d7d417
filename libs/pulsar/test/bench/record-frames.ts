// Records the MESSAGE frames a Key_Shared consumer receives from the stack's broker, byte for byte,
// for consume-path.ts to replay without a broker. The workload mirrors stream-compute's: a topic of
// 4 partitions, key-based batches of ~100 messages (6 keys per partition; a batch flushes at 128 KiB),
// ~200-byte payloads.
//
//   npx tsx libs/pulsar/test/bench/record-frames.ts [--count 40000] [--out /tmp/pulsar-consume-frames.bin]
//
// Output: the frames as they came off the socket ([totalSize:4][body]), MESSAGE frames only.
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { stackEndpoints } from '@retail/stack';
import { PulsarAdmin, PulsarClient } from '../../src';
import { CommandType } from '../../src/codec/wire-types';
import { decodeFrameBody } from '../../src/framing/frame';
import { FrameDecoder } from '../../src/framing/frame-decoder';
import { argument, DEFAULT_FRAMES_FILE, textArgument } from './bench-args';

const PARTITIONS = 4;
const KEYS = 24;
const PAYLOAD_BYTES = 200;
/** Sends in flight at once: enough that every partition fills its 128 KiB batches. */
const PUBLISH_WINDOW = 4000;

/** Splits the consumer connection's byte stream into frames and keeps the MESSAGE ones. */
class MessageFrameRecorder {
  recording = false;
  readonly frames: Buffer[] = [];
  private pending = Buffer.alloc(0);

  take(chunk: Uint8Array): void {
    if (!this.recording) return;
    this.pending = Buffer.concat([this.pending, chunk]);
    let offset = 0;
    while (this.pending.length - offset >= 4) {
      const size = this.pending.readUInt32BE(offset);
      if (this.pending.length - offset - 4 < size) break;
      const frame = this.pending.subarray(offset, offset + 4 + size);
      if (decodeFrameBody(frame.subarray(4)).command.type === CommandType.MESSAGE) this.frames.push(Buffer.from(frame));
      offset += 4 + size;
    }
    this.pending = this.pending.subarray(offset);
  }
}

async function main(): Promise<void> {
  const count = argument('count', 40_000);
  const out = textArgument('out', DEFAULT_FRAMES_FILE);
  const endpoints = stackEndpoints();
  const topic = `persistent://public/default/consume-frames-${randomUUID().slice(0, 8)}`;
  const admin = new PulsarAdmin({ adminUrl: endpoints.pulsarAdminUrl });
  await admin.createPartitionedTopic(topic, PARTITIONS);
  const recorder = new MessageFrameRecorder();
  const push = FrameDecoder.prototype.push;
  FrameDecoder.prototype.push = function (this: FrameDecoder, chunk: Uint8Array) {
    recorder.take(chunk);
    return push.call(this, chunk);
  };
  const client = new PulsarClient({ serviceUrl: endpoints.pulsarServiceUrl });
  try {
    const subscription = { topic, subscription: 'record', subscriptionType: 'KeyShared' as const, subscriptionInitialPosition: 'earliest' as const };
    await (await client.subscribe(subscription)).close();
    const producer = await client.createProducer({ topic, batcher: 'keyBased', batchingMaxPublishDelayMs: 50, maxPendingMessages: PUBLISH_WINDOW });
    const keys = Array.from({ length: KEYS }, (_, i) => `cam-${String(i).padStart(3, '0')}`);
    for (let i = 0; i < count; i += PUBLISH_WINDOW) {
      const sends = [];
      for (let j = i; j < Math.min(count, i + PUBLISH_WINDOW); j++) sends.push(producer.send({ key: keys[j % KEYS]!, data: randomBytes(PAYLOAD_BYTES) }));
      await Promise.all(sends);
    }
    await producer.close();
    recorder.recording = true;
    const consumer = await client.subscribe(subscription);
    for (let received = 0; received < count; ) {
      const batch = await consumer.receiveBatch(1000, 10_000);
      if (!batch.length) throw new Error(`only ${received} of ${count} messages arrived`);
      for (const message of batch) consumer.acknowledge(message.messageId);
      received += batch.length;
    }
    recorder.recording = false;
    await consumer.close();
    writeFileSync(out, Buffer.concat(recorder.frames));
    console.log(`${recorder.frames.length} MESSAGE frames (${count} messages) written to ${out}`);
  } finally {
    FrameDecoder.prototype.push = push;
    await client.close();
    await admin.deletePartitionedTopic(topic, true).catch(() => undefined);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
