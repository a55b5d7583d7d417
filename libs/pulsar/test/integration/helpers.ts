import { randomUUID } from 'node:crypto';
import { stackEndpoints, waitFor as pollUntil } from '@retail/stack';
import { PulsarAdmin, PulsarClient, type ClientOptions, type Consumer, type Message } from '../../src/index';

export const endpoints = stackEndpoints();

export function newClient(options: Partial<ClientOptions> = {}): PulsarClient {
  return new PulsarClient({ serviceUrl: endpoints.pulsarServiceUrl, operationTimeoutMs: 15_000, ...options });
}

export const admin = new PulsarAdmin({ adminUrl: endpoints.pulsarAdminUrl });

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Creates a fresh namespace under `public` for one test file; returns it and a topic-name factory. */
export async function freshNamespace(prefix: string, setup?: (namespace: string) => Promise<void>) {
  const namespace = `public/${uniqueName(prefix)}`;
  await admin.createNamespace(namespace);
  await setup?.(namespace);
  return {
    namespace,
    topic: (name: string) => `persistent://${namespace}/${uniqueName(name)}`,
    cleanup: () => admin.deleteNamespace(namespace, true).catch(() => undefined),
  };
}

/**
 * Polls `condition` (every 50 ms, through the stack's waitFor) until it holds; fails naming
 * `what` after `timeoutMs`. A condition that throws counts as not yet.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  await pollUntil(async () => condition(), (holds) => holds, timeoutMs, what, 50);
}

/** Receives exactly `count` messages (each within `perMessageMs`). */
export async function receiveN(consumer: Consumer, count: number, perMessageMs = 10_000): Promise<Message[]> {
  const messages: Message[] = [];
  while (messages.length < count) messages.push(await consumer.receive(perMessageMs));
  return messages;
}

export const text = (m: Message) => m.data.toString('utf8');

/**
 * Namespace policies reach the broker asynchronously, and a topic that turns de-duplication on
 * first replays its dedup cursor ("Recovering") before it tracks sequence ids: wait for "Enabled".
 */
export async function waitForDeduplication(topic: string): Promise<void> {
  await waitFor(async () => (await admin.topicStats(topic)).deduplicationStatus === 'Enabled', `de-duplication to be enabled on ${topic}`);
}
