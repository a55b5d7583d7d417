import { MessageId } from './message-id';
import { DEFAULTS, normalizeClientOptions, normalizeConsumerOptions, normalizeProducerOptions, normalizeReaderOptions } from './options';

describe('option normalisation', () => {
  it('fills defaults once, from the named constants', () => {
    const client = normalizeClientOptions({ serviceUrl: 'pulsar://broker' });
    expect(client.service).toEqual({ url: 'pulsar://broker:6650', host: 'broker', port: 6650, tls: false });
    expect(client.operationTimeoutMs).toBe(DEFAULTS.operationTimeoutMs);
    const producer = normalizeProducerOptions({ topic: 'detections' });
    expect(producer).toMatchObject({ topic: 'persistent://public/default/detections', batchingEnabled: true, batcher: 'default', compression: 'none', maxPendingMessages: 1000 });
    const consumer = normalizeConsumerOptions({ topic: 'retail/events/detections', subscription: 's' });
    expect(consumer).toMatchObject({ topic: 'persistent://retail/events/detections', subscriptionType: 'Exclusive', receiverQueueSize: 1000, durable: true });
  });

  it('uses the TLS port and token provider when asked', () => {
    const client = normalizeClientOptions({ serviceUrl: 'pulsar+ssl://broker', authentication: { token: 'jwt' } });
    expect(client.service.port).toBe(6651);
    expect(client.auth?.methodName).toBe('token');
  });

  it.each([
    [() => normalizeClientOptions({ serviceUrl: 'http://broker:8080' }), /serviceUrl="http:\/\/broker:8080" is not a Pulsar URL: use pulsar:\/\//],
    [() => normalizeClientOptions({ serviceUrl: 'pulsar://b', operationTimeoutMs: -1 }), /operationTimeoutMs is -1: set it to a positive integer/],
    [() => normalizeProducerOptions({ topic: 't', compression: 'snappy' as never }), /compression is "snappy": use one of none, lz4, zstd/],
    [() => normalizeConsumerOptions({ topic: 't', subscription: 's', keySharedPolicy: { mode: 'autoSplit' } }), /keySharedPolicy is set for a Exclusive subscription/],
    [
      () => normalizeConsumerOptions({ topic: 't', subscription: 's', subscriptionType: 'KeyShared', keySharedPolicy: { mode: 'sticky', ranges: [[10, 70000]] } }),
      /keySharedPolicy.ranges contains \[10, 70000\]/,
    ],
    [
      () => normalizeConsumerOptions({ topic: 't', subscription: 's', subscriptionType: 'KeyShared', keySharedPolicy: { mode: 'sticky', ranges: [[500, 900], [0, 500]] } }),
      /keySharedPolicy.ranges has overlapping ranges \[0, 500\] and \[500, 900\]: make the ranges disjoint/,
    ],
    [() => normalizeConsumerOptions({ topic: 't', subscription: '' }), /subscription is missing/],
    [() => normalizeProducerOptions({ topic: 'a/b' }), /topic "a\/b" is not valid/],
  ])('names the key and the fix: %#', (normalize, message) => {
    expect(normalize).toThrow(expect.objectContaining({ code: 'InvalidConfiguration', message: expect.stringMatching(message) }));
  });

  it('gives readers a non-durable subscription and the dead-letter topic a default name', () => {
    const reader = normalizeReaderOptions({ topic: 't', startMessageId: MessageId.earliest() });
    expect(reader.durable).toBe(false);
    expect(reader.subscription).toMatch(/^reader-/);
    const consumer = normalizeConsumerOptions({ topic: 't', subscription: 'sub', deadLetterPolicy: { maxRedeliverCount: 3 } });
    expect(consumer.deadLetterPolicy).toEqual({ maxRedeliverCount: 3, deadLetterTopic: 'persistent://public/default/t-sub-DLQ' });
  });
});
