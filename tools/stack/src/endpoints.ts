/**
 * Where each service of the local stack listens. Every value can be overridden by an
 * environment variable (named in the comment) so tests and apps agree on one address book.
 */
export interface StackEndpoints {
  /** Pulsar binary protocol URL. `STACK_PULSAR_PORT` (default 6650). */
  pulsarServiceUrl: string;
  /** Pulsar admin REST base URL. `STACK_PULSAR_HTTP_PORT` (default 8080). */
  pulsarAdminUrl: string;
  /** Iceberg REST catalog base URL (without `/v1`). `STACK_CATALOG_PORT` (default 8181). */
  catalogUrl: string;
  /** S3-compatible object store endpoint. `STACK_S3_PORT` (default 9000). */
  s3Endpoint: string;
  s3Region: string;
  s3AccessKeyId: string;
  s3SecretAccessKey: string;
  /** Bucket holding the Iceberg warehouse. `STACK_S3_BUCKET` (default `warehouse`). */
  warehouseBucket: string;
  /** Trino coordinator URL. `STACK_TRINO_PORT` (default 8090). */
  trinoUrl: string;
  /** Prometheus URL. `STACK_PROMETHEUS_PORT` (default 9090). */
  prometheusUrl: string;
}

export const DEFAULT_PORTS = {
  pulsar: 6650,
  pulsarHttp: 8080,
  pulsarBookie: 3181,
  catalog: 8181,
  s3: 9000,
  s3Console: 9001,
  trino: 8090,
  prometheus: 9090,
} as const;

export const DEFAULT_S3_CREDENTIALS = { accessKeyId: 'retail', secretAccessKey: 'retail-secret-key' } as const;

function port(env: NodeJS.ProcessEnv, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${key}=${raw} is not a TCP port: set it to an integer between 1 and 65535`);
  }
  return value;
}

export type StackPorts = { [K in keyof typeof DEFAULT_PORTS]: number };

/** The port of each service, from `STACK_<NAME>_PORT` variables or the defaults. */
export function stackPorts(env: NodeJS.ProcessEnv = process.env): StackPorts {
  return {
    pulsar: port(env, 'STACK_PULSAR_PORT', DEFAULT_PORTS.pulsar),
    pulsarHttp: port(env, 'STACK_PULSAR_HTTP_PORT', DEFAULT_PORTS.pulsarHttp),
    pulsarBookie: port(env, 'STACK_PULSAR_BOOKIE_PORT', DEFAULT_PORTS.pulsarBookie),
    catalog: port(env, 'STACK_CATALOG_PORT', DEFAULT_PORTS.catalog),
    s3: port(env, 'STACK_S3_PORT', DEFAULT_PORTS.s3),
    s3Console: port(env, 'STACK_S3_CONSOLE_PORT', DEFAULT_PORTS.s3Console),
    trino: port(env, 'STACK_TRINO_PORT', DEFAULT_PORTS.trino),
    prometheus: port(env, 'STACK_PROMETHEUS_PORT', DEFAULT_PORTS.prometheus),
  };
}

export function stackEndpoints(env: NodeJS.ProcessEnv = process.env): StackEndpoints {
  const host = env.STACK_HOST || '127.0.0.1';
  const ports = stackPorts(env);
  return {
    pulsarServiceUrl: `pulsar://${host}:${ports.pulsar}`,
    pulsarAdminUrl: `http://${host}:${ports.pulsarHttp}`,
    catalogUrl: `http://${host}:${ports.catalog}`,
    s3Endpoint: `http://${host}:${ports.s3}`,
    s3Region: env.STACK_S3_REGION || 'us-east-1',
    s3AccessKeyId: env.STACK_S3_ACCESS_KEY || DEFAULT_S3_CREDENTIALS.accessKeyId,
    s3SecretAccessKey: env.STACK_S3_SECRET_KEY || DEFAULT_S3_CREDENTIALS.secretAccessKey,
    warehouseBucket: env.STACK_S3_BUCKET || 'warehouse',
    trinoUrl: `http://${host}:${ports.trino}`,
    prometheusUrl: `http://${host}:${ports.prometheus}`,
  };
}

/**
 * The services' connection settings (the env variables of `@retail/runtime`'s pulsar, catalog and
 * S3 settings) pointing at the local stack: for tests, benches and the demo that start a service.
 */
export function stackConnectionEnv(endpoints: StackEndpoints = stackEndpoints()): Record<string, string> {
  return {
    PULSAR_SERVICE_URL: endpoints.pulsarServiceUrl,
    PULSAR_ADMIN_URL: endpoints.pulsarAdminUrl,
    CATALOG_URL: endpoints.catalogUrl,
    S3_ENDPOINT: endpoints.s3Endpoint,
    S3_REGION: endpoints.s3Region,
    S3_ACCESS_KEY_ID: endpoints.s3AccessKeyId,
    S3_SECRET_ACCESS_KEY: endpoints.s3SecretAccessKey,
  };
}
