import { Registry } from 'prom-client';
import { ClientMetrics } from './client-metrics';

describe('ClientMetrics', () => {
  it('registers on the injected registry and tolerates a second client on it', async () => {
    const registry = new Registry();
    const a = new ClientMetrics(registry);
    const b = new ClientMetrics(registry);
    a.messagesSent.inc({ topic: 't' }, 2);
    b.messagesSent.inc({ topic: 't' }, 3);
    b.publishLatency.observe({ topic: 't' }, 0.004);
    const text = await registry.metrics();
    expect(text).toMatch(/pulsar_client_messages_sent_total\{topic="t"\} 5/);
    expect(text).toMatch(/pulsar_client_publish_latency_seconds_count\{topic="t"\} 1/);
  });

  it('hands tallied counts to prom-client on every scrape and when released', async () => {
    const registry = new Registry();
    const metrics = new ClientMetrics(registry);
    const received = metrics.counterTally(metrics.messagesReceived, { topic: 't', subscription: 's' });
    const pending = metrics.gaugeTally(metrics.pendingMessages, { topic: 't' });
    received.add(3);
    pending.add(5);
    pending.add(-2);
    expect(await registry.metrics()).toMatch(/pulsar_client_messages_received_total\{topic="t",subscription="s"\} 3/);
    expect(await registry.metrics()).toMatch(/pulsar_client_pending_messages\{topic="t"\} 3/);
    received.add(2);
    pending.add(-3);
    metrics.release(received);
    metrics.release(pending);
    received.add(100); // released: no longer collected
    const text = await registry.metrics();
    expect(text).toMatch(/pulsar_client_messages_received_total\{topic="t",subscription="s"\} 5/);
    expect(text).toMatch(/pulsar_client_pending_messages\{topic="t"\} 0/);
  });
});
