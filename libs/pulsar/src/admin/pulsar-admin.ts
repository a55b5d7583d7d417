import { PulsarClientError } from '../errors';
import { topicParts } from '../lookup/topic-name';

export interface PulsarAdminOptions {
  /** Admin REST base URL, e.g. `http://127.0.0.1:8080`. */
  adminUrl: string;
  /** JWT sent as a bearer token. */
  token?: string;
  /** @default 30000 */
  requestTimeoutMs?: number;
}

export interface RetentionPolicy {
  /** -1 = infinite. */
  retentionTimeInMinutes: number;
  /** -1 = infinite. */
  retentionSizeInMB: number;
}

const DEFAULT_ADMIN_TIMEOUT_MS = 30_000;

/** A schema as the schema registry takes it (`POST /admin/v2/schemas/{tenant}/{namespace}/{topic}/schema`). */
export interface SchemaUpload {
  /** e.g. `AVRO`, `JSON`, `PROTOBUF`. */
  type: string;
  /** The schema definition (for AVRO and JSON: the Avro schema as JSON text). */
  schema: string;
  properties?: Record<string, string>;
}

/** A schema version as the registry returns it. */
export interface StoredSchema {
  version: number;
  type: string;
  /** The schema definition text. */
  data: string;
  properties?: Record<string, string>;
}

/** The reason in a broker error reply: JSON `{"reason": …}` or the title of Jetty's HTML error page. */
function brokerReason(text: string): string {
  try {
    const reason = (JSON.parse(text) as { reason?: unknown }).reason;
    if (typeof reason === 'string') return reason;
  } catch {
    // not JSON
  }
  const title = /<title>(?:Error \d+ )?([\s\S]*?)<\/title>/i.exec(text)?.[1];
  const decoded = (title ?? text).replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return decoded.replace(/\s+/g, ' ').trim().slice(0, 500);
}

/** A small helper over Pulsar's admin REST API (v2): what our tests and services need. */
export class PulsarAdmin {
  private readonly base: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: PulsarAdminOptions) {
    if (!/^https?:\/\//.test(options.adminUrl ?? '')) {
      throw new PulsarClientError('InvalidConfiguration', `adminUrl="${options.adminUrl}" is not an http(s) URL: use e.g. http://127.0.0.1:8080`);
    }
    this.base = options.adminUrl.replace(/\/+$/, '');
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_ADMIN_TIMEOUT_MS;
  }

  /** Creates a tenant allowed on `clusters` (default: every cluster the broker knows); an existing tenant is fine. */
  async createTenant(tenant: string, clusters?: string[]): Promise<void> {
    const allowedClusters = clusters ?? ((await this.call('GET', '/admin/v2/clusters')) as string[]);
    await this.call('PUT', `/admin/v2/tenants/${tenant}`, { allowedClusters, adminRoles: [] }, [409]);
  }

  /** Creates `tenant/namespace`; an existing namespace is fine. */
  async createNamespace(namespace: string): Promise<void> {
    await this.call('PUT', `/admin/v2/namespaces/${namespace}`, undefined, [409]);
  }

  async deleteNamespace(namespace: string, force = true): Promise<void> {
    await this.call('DELETE', `/admin/v2/namespaces/${namespace}?force=${force}`, undefined, [404]);
  }

  async setDeduplication(namespace: string, enabled: boolean): Promise<void> {
    await this.call('POST', `/admin/v2/namespaces/${namespace}/deduplication`, enabled);
  }

  async setRetention(namespace: string, policy: RetentionPolicy): Promise<void> {
    await this.call('POST', `/admin/v2/namespaces/${namespace}/retention`, policy);
  }

  /** The namespace's retention policy; undefined when it has none of its own (the broker default applies). */
  async getRetention(namespace: string): Promise<RetentionPolicy | undefined> {
    const value = (await this.call('GET', `/admin/v2/namespaces/${namespace}/retention`)) as Partial<RetentionPolicy> | undefined;
    if (typeof value?.retentionTimeInMinutes !== 'number' || typeof value.retentionSizeInMB !== 'number') return undefined;
    return { retentionTimeInMinutes: value.retentionTimeInMinutes, retentionSizeInMB: value.retentionSizeInMB };
  }

  async createPartitionedTopic(topic: string, partitions: number): Promise<void> {
    await this.call('PUT', `${this.topicPath(topic)}/partitions`, partitions);
  }

  /** Raises the partition count of a partitioned topic (Pulsar cannot lower it). */
  async updatePartitionedTopic(topic: string, partitions: number): Promise<void> {
    await this.call('POST', `${this.topicPath(topic)}/partitions`, partitions);
  }

  async deletePartitionedTopic(topic: string, force = true): Promise<void> {
    await this.call('DELETE', `${this.topicPath(topic)}/partitions?force=${force}`, undefined, [404]);
  }

  /** Creates a non-partitioned topic. */
  async createTopic(topic: string): Promise<void> {
    await this.call('PUT', this.topicPath(topic), undefined, [409]);
  }

  async deleteTopic(topic: string, force = true): Promise<void> {
    await this.call('DELETE', `${this.topicPath(topic)}?force=${force}`, undefined, [404]);
  }

  /** Unloads the topic from its broker: producers and consumers are disconnected and must reconnect. */
  async unloadTopic(topic: string): Promise<void> {
    await this.call('PUT', `${this.topicPath(topic)}/unload`);
  }

  /** Topic stats (msgInCounter, subscriptions with msgBacklog, unackedMessages, consumers…). */
  async topicStats(topic: string): Promise<TopicStats> {
    return (await this.call('GET', `${this.topicPath(topic)}/stats`)) as TopicStats;
  }

  /** Managed-ledger level stats: ledgers and cursors (a `pulsar.dedup` cursor exists while de-duplication is active). */
  async internalStats(topic: string): Promise<{ cursors: Record<string, unknown>; [key: string]: unknown }> {
    return (await this.call('GET', `${this.topicPath(topic)}/internalStats`)) as { cursors: Record<string, unknown> };
  }

  async partitionedTopicStats(topic: string): Promise<TopicStats> {
    return (await this.call('GET', `${this.topicPath(topic)}/partitioned-stats`)) as TopicStats;
  }

  async partitionCount(topic: string): Promise<number> {
    return ((await this.call('GET', `${this.topicPath(topic)}/partitions`)) as { partitions: number }).partitions;
  }

  /** Topics of a namespace (non-partitioned topics and the partitions of partitioned ones), as full names. */
  async listTopics(namespace: string): Promise<string[]> {
    return (await this.call('GET', `/admin/v2/persistent/${namespace}`)) as string[];
  }

  /** Partitioned topics of a namespace, as full names. */
  async listPartitionedTopics(namespace: string): Promise<string[]> {
    return (await this.call('GET', `/admin/v2/persistent/${namespace}/partitioned`)) as string[];
  }

  /** The namespace's de-duplication policy; undefined when it has none of its own (the broker default applies). */
  async getDeduplication(namespace: string): Promise<boolean | undefined> {
    const value = await this.call('GET', `/admin/v2/namespaces/${namespace}/deduplication`);
    return typeof value === 'boolean' ? value : undefined;
  }

  /**
   * Registers `schema` for `topic` in the broker's schema registry and returns its version. Uploading
   * the schema already registered returns the existing version (idempotent). A schema the namespace's
   * compatibility strategy rejects fails with code `IncompatibleSchema` and the broker's reason.
   */
  async uploadSchema(topic: string, schema: SchemaUpload): Promise<{ version: number }> {
    const path = `${this.schemaPath(topic)}/schema`;
    const body = { type: schema.type, schema: schema.schema, properties: schema.properties ?? {} };
    const { status, text } = await this.send('POST', path, body);
    if (status === 409) {
      throw new PulsarClientError('IncompatibleSchema', `POST ${path}: the broker refused the ${schema.type} schema as incompatible: ${brokerReason(text)}`);
    }
    const answer = this.parse('POST', path, status, text, []) as { version?: number | { version?: number } };
    const version = typeof answer?.version === 'number' ? answer.version : answer?.version?.version;
    return { version: version ?? 0 };
  }

  /** The latest schema registered for `topic`, or undefined when it has none. */
  async getSchema(topic: string): Promise<StoredSchema | undefined> {
    const path = `${this.schemaPath(topic)}/schema`;
    const { status, text } = await this.send('GET', path);
    if (status === 404) return undefined;
    return this.parse('GET', path, status, text, []) as StoredSchema;
  }

  /** Schema API paths name the topic without its domain (schemas belong to persistent and non-persistent alike). */
  private schemaPath(topic: string): string {
    const { tenant, namespace, local } = topicParts(topic);
    return `/admin/v2/schemas/${tenant}/${namespace}/${encodeURIComponent(local)}`;
  }

  private topicPath(topic: string): string {
    const { domain, tenant, namespace, local } = topicParts(topic);
    return `/admin/v2/${domain}/${tenant}/${namespace}/${encodeURIComponent(local)}`;
  }

  private async call(method: string, path: string, body?: unknown, tolerated: number[] = []): Promise<unknown> {
    const { status, text } = await this.send(method, path, body);
    return this.parse(method, path, status, text, tolerated);
  }

  private async send(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new PulsarClientError('AdminError', `${method} ${path} failed: ${(error as Error).message}`, { retriable: true, cause: error });
    }
    return { status: response.status, text: await response.text() };
  }

  private parse(method: string, path: string, status: number, text: string, tolerated: number[]): unknown {
    if ((status < 200 || status > 299) && !tolerated.includes(status)) {
      throw new PulsarClientError('AdminError', `${method} ${path} answered ${status}: ${text.slice(0, 500)}`, {
        retriable: status >= 500 || status === 429,
      });
    }
    return text ? JSON.parse(text) : undefined;
  }
}

export interface SubscriptionStats {
  msgBacklog: number;
  unackedMessages: number;
  msgRateRedeliver?: number;
  type?: string;
  consumers: Array<{ consumerName?: string; unackedMessages?: number; availablePermits?: number }>;
  [key: string]: unknown;
}

export interface TopicStats {
  msgInCounter: number;
  msgOutCounter: number;
  /** Disabled, Initialized, Recovering, Enabled, Removing or Failed. */
  deduplicationStatus?: string;
  publishers: Array<{ producerName?: string; msgRateIn?: number }>;
  subscriptions: Record<string, SubscriptionStats>;
  [key: string]: unknown;
}
