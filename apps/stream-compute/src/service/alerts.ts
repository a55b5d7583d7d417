import type { PulsarAdmin, PulsarClient } from '@retail/pulsar';
import { avroCodecOf, QueueAlert } from '@retail/schema';
import { StreamComputeServiceError } from './errors';

/**
 * Queue alerts to the alerts topic, exactly once through broker deduplication (the topic's
 * namespace must have it on). Each alert is sent by a producer with a stable name per camera
 * and zone (`stream-compute-alerts-<camera>-<zone>`) whose sequence id is the alert's event time in microseconds.
 * A zone's alerts come in event-time order, and its state moves between instances with the
 * camera, so sequence ids grow per producer name; an alert sent again after a crash (same zone,
 * same event time) is dropped by the broker.
 *
 * @retail/pulsar sets sequence ids itself (0, 1, ... or after the broker's last one), so each alert
 * gets a short-lived producer whose `initialSequenceId` is the alert's: queue alerts are rare
 * (minutes apart per zone), so the extra round trips do not matter.
 */
export class AlertPublisher {
  private readonly codec = avroCodecOf(QueueAlert);

  constructor(
    private readonly client: PulsarClient,
    private readonly topic: string,
    private readonly producerPrefix = 'stream-compute-alerts',
  ) {}

  /** Publishes in order per zone (zones in parallel); resolves when the broker has every alert. */
  async publish(alerts: readonly QueueAlert[]): Promise<number> {
    const byZone = new Map<string, QueueAlert[]>();
    for (const alert of alerts) {
      const name = `${this.producerPrefix}-${alert.camera_id}-${alert.zone_id}`;
      const list = byZone.get(name) ?? [];
      list.push(alert);
      byZone.set(name, list);
    }
    await Promise.all(
      [...byZone].map(async ([producerName, list]) => {
        for (const alert of list) await this.send(producerName, alert);
      }),
    );
    return alerts.length;
  }

  private async send(producerName: string, alert: QueueAlert): Promise<void> {
    const producer = await this.client.createProducer({
      topic: this.topic,
      producerName,
      initialSequenceId: sequenceIdOf(alert),
      batchingEnabled: false,
    });
    try {
      await producer.send({ data: this.codec.encode(alert), key: alert.store_id, eventTime: Math.floor(alert.event_ts / 1000) });
    } finally {
      await producer.close();
    }
  }
}

/** Sequence id of an alert: its event time (µs); a zone's raised and cleared never share a time. */
export function sequenceIdOf(alert: QueueAlert): number {
  return alert.event_ts;
}

/** `tenant/namespace` of a topic name (`persistent://tenant/namespace/topic`, or the short `tenant/namespace/topic`). */
export function namespaceOfTopic(topic: string): string {
  const path = topic.replace(/^(persistent|non-persistent):\/\//, '');
  const parts = path.split('/');
  if (parts.length !== 3 || parts.some((part) => part === '')) {
    throw new StreamComputeServiceError('CONFIGURATION', `ALERTS_TOPIC=${topic} is not a topic name of the form persistent://tenant/namespace/topic`);
  }
  return `${parts[0]}/${parts[1]}`;
}

/**
 * Makes sure the alerts topic's namespace deduplicates (AlertPublisher's exactly-once relies on it):
 * with `provision` it is turned on, otherwise a namespace without it (or without a policy of its
 * own, where the broker-wide default decides and cannot be relied on) fails the start.
 */
export async function ensureAlertDeduplication(admin: Pick<PulsarAdmin, 'getDeduplication' | 'setDeduplication'>, topic: string, provision: boolean): Promise<'on' | 'provisioned'> {
  const namespace = namespaceOfTopic(topic);
  if ((await admin.getDeduplication(namespace)) === true) return 'on';
  if (provision) {
    await admin.setDeduplication(namespace, true);
    return 'provisioned';
  }
  throw new StreamComputeServiceError(
    'CONFIGURATION',
    `queue alerts go to ${topic}, whose namespace ${namespace} does not have broker deduplication on, so alerts re-sent after a crash would be duplicated: ` +
      `run \`pulsar-admin namespaces set-deduplication ${namespace} --enable\`, or set ALERTS_PROVISION_DEDUPLICATION=true to let the service turn it on, or ALERTS_ENABLED=false`,
  );
}
