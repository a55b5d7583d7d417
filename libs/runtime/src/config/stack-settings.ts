import { z } from 'zod';
import { ConfigError } from '../errors';
import { configTypes } from './service-config';
import { secretSetting, setting } from './setting';

/**
 * Addresses and credentials of the local stack: the defaults every service starts with. They
 * mirror `stackEndpoints()` of tools/stack (which libraries and apps may not import); production
 * deployments override them through the env variables below.
 */
export const LOCAL_STACK_DEFAULTS = {
  pulsarServiceUrl: 'pulsar://127.0.0.1:6650',
  pulsarAdminUrl: 'http://127.0.0.1:8080',
  catalogUrl: 'http://127.0.0.1:8181',
  catalogWarehouse: 's3://warehouse/',
  s3Endpoint: 'http://127.0.0.1:9000',
  s3Region: 'us-east-1',
  s3AccessKeyId: 'retail',
  /** Local stack only: real deployments set S3_SECRET_ACCESS_KEY. */
  s3SecretAccessKey: 'retail-secret-key',
} as const;

/** Pulsar connection: PULSAR_SERVICE_URL, PULSAR_ADMIN_URL, PULSAR_AUTH_TOKEN (secret). */
export function pulsarConnectionSettings() {
  return z.object({
    serviceUrl: setting(configTypes.pulsarUrl().default(LOCAL_STACK_DEFAULTS.pulsarServiceUrl), { env: 'PULSAR_SERVICE_URL' }),
    adminUrl: setting(configTypes.httpUrl().default(LOCAL_STACK_DEFAULTS.pulsarAdminUrl), { env: 'PULSAR_ADMIN_URL' }),
    authToken: secretSetting(z.string().min(1).optional(), 'PULSAR_AUTH_TOKEN'),
  });
}

/**
 * Iceberg REST catalog connection: CATALOG_URL, CATALOG_WAREHOUSE, and authentication by a fixed
 * bearer token (CATALOG_TOKEN) or OAuth2 client credentials (CATALOG_CREDENTIAL, optional
 * CATALOG_OAUTH2_SERVER_URI and CATALOG_SCOPE); `catalogAuthOf` turns them into the client's auth.
 */
export function catalogConnectionSettings() {
  return z.object({
    url: setting(configTypes.httpUrl().default(LOCAL_STACK_DEFAULTS.catalogUrl), { env: 'CATALOG_URL' }),
    warehouse: setting(z.string().min(1).default(LOCAL_STACK_DEFAULTS.catalogWarehouse), { env: 'CATALOG_WAREHOUSE' }),
    token: secretSetting(z.string().min(1).optional(), 'CATALOG_TOKEN'),
    /** OAuth2 client credentials (Iceberg's `credential` property), exchanged for tokens at the token endpoint. */
    credential: secretSetting(z.string().regex(/^[^:]+:.+$/, 'expected <client_id>:<client_secret>').optional(), 'CATALOG_CREDENTIAL'),
    /** Token endpoint for CATALOG_CREDENTIAL; default `<CATALOG_URL>/v1/oauth/tokens`. */
    oauth2ServerUri: setting(configTypes.httpUrl().optional(), { env: 'CATALOG_OAUTH2_SERVER_URI' }),
    /** Scope requested with CATALOG_CREDENTIAL; default `catalog`. */
    scope: setting(z.string().min(1).optional(), { env: 'CATALOG_SCOPE' }),
  });
}

export type CatalogConnection = z.infer<ReturnType<typeof catalogConnectionSettings>>;

/** The catalog client's authentication (structurally @retail/iceberg's CatalogAuth; this library does not depend on it). */
export type CatalogAuthSetting = { type: 'bearer'; token: string } | { type: 'oauth2'; clientId: string; clientSecret: string; tokenUrl?: string; scope?: string };

/**
 * Authentication from the connection settings (undefined: none). Combinations that could not all
 * take effect are refused rather than silently ignored, naming the variables and the fix.
 */
export function catalogAuthOf(catalog: CatalogConnection, service: string): CatalogAuthSetting | undefined {
  if (catalog.token && catalog.credential) {
    throw new ConfigError(service, [{ key: 'catalog.credential', env: 'CATALOG_CREDENTIAL', message: 'CATALOG_TOKEN is set too: set only one (a fixed token, or OAuth2 client credentials)' }]);
  }
  if (catalog.credential) {
    const colon = catalog.credential.indexOf(':');
    const auth: CatalogAuthSetting = { type: 'oauth2', clientId: catalog.credential.slice(0, colon), clientSecret: catalog.credential.slice(colon + 1) };
    if (catalog.oauth2ServerUri) auth.tokenUrl = catalog.oauth2ServerUri;
    if (catalog.scope) auth.scope = catalog.scope;
    return auth;
  }
  const unused = (
    [
      ['catalog.oauth2ServerUri', 'CATALOG_OAUTH2_SERVER_URI', catalog.oauth2ServerUri],
      ['catalog.scope', 'CATALOG_SCOPE', catalog.scope],
    ] as const
  ).filter(([, , value]) => value !== undefined);
  if (unused.length > 0) {
    throw new ConfigError(
      service,
      unused.map(([key, env]) => ({ key, env, message: `set but CATALOG_CREDENTIAL is not: set CATALOG_CREDENTIAL=<client_id>:<client_secret> or remove ${env}` })),
    );
  }
  return catalog.token ? { type: 'bearer', token: catalog.token } : undefined;
}

/** S3-compatible object store: S3_ENDPOINT, S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY (secret), S3_FORCE_PATH_STYLE. */
export function s3Settings() {
  return z.object({
    endpoint: setting(configTypes.httpUrl().default(LOCAL_STACK_DEFAULTS.s3Endpoint), { env: 'S3_ENDPOINT' }),
    region: setting(z.string().min(1).default(LOCAL_STACK_DEFAULTS.s3Region), { env: 'S3_REGION' }),
    accessKeyId: setting(z.string().min(1).default(LOCAL_STACK_DEFAULTS.s3AccessKeyId), { env: 'S3_ACCESS_KEY_ID' }),
    secretAccessKey: secretSetting(z.string().min(1).default(LOCAL_STACK_DEFAULTS.s3SecretAccessKey), 'S3_SECRET_ACCESS_KEY'),
    /** MinIO and most S3-compatible stores need path-style addressing. */
    forcePathStyle: setting(z.boolean().default(true), { env: 'S3_FORCE_PATH_STYLE' }),
  });
}
