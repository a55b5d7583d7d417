import type { CatalogAuth } from '@retail/iceberg';
import type { IcebergWriterConfig } from './config';
import { IcebergWriterError } from './errors';

/**
 * How the service authenticates to the catalog: a fixed bearer token (CATALOG_TOKEN), OAuth2 client
 * credentials (CATALOG_CREDENTIAL, with optional CATALOG_OAUTH2_SERVER_URI and CATALOG_SCOPE), or
 * nothing. Settings that cannot take effect are refused rather than silently ignored.
 */
export function catalogAuthOf(catalog: IcebergWriterConfig['catalog']): CatalogAuth | undefined {
  if (catalog.token && catalog.credential) {
    throw configError('CATALOG_TOKEN and CATALOG_CREDENTIAL are both set: set only one (a fixed token, or OAuth2 client credentials)');
  }
  if (catalog.credential) {
    const colon = catalog.credential.indexOf(':');
    const auth: CatalogAuth = { type: 'oauth2', clientId: catalog.credential.slice(0, colon), clientSecret: catalog.credential.slice(colon + 1) };
    if (catalog.oauth2ServerUri) auth.tokenUrl = catalog.oauth2ServerUri;
    if (catalog.scope) auth.scope = catalog.scope;
    return auth;
  }
  for (const [key, value] of [
    ['CATALOG_OAUTH2_SERVER_URI', catalog.oauth2ServerUri],
    ['CATALOG_SCOPE', catalog.scope],
  ] as const) {
    if (value !== undefined) throw configError(`${key} is set but CATALOG_CREDENTIAL is not: set CATALOG_CREDENTIAL=<client_id>:<client_secret> or remove ${key}`);
  }
  return catalog.token ? { type: 'bearer', token: catalog.token } : undefined;
}

function configError(message: string): IcebergWriterError {
  return new IcebergWriterError('CONFIGURATION', message);
}
