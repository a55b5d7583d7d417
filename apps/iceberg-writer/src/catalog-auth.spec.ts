import { ConfigError, loadConfig, redactConfig } from '@retail/runtime';
import { catalogAuthOf } from './catalog-auth';
import { icebergWriterConfigSchema } from './config';
import { IcebergWriterError } from './errors';

const load = (env: NodeJS.ProcessEnv) => loadConfig({ service: 'iceberg-writer', schema: icebergWriterConfigSchema, env }).config;
const authOf = (env: NodeJS.ProcessEnv) => catalogAuthOf(load(env).catalog);

describe('catalog authentication settings', () => {
  it('uses no auth by default and a bearer token from CATALOG_TOKEN', () => {
    expect(authOf({})).toBeUndefined();
    expect(authOf({ CATALOG_TOKEN: 't0k' })).toEqual({ type: 'bearer', token: 't0k' });
  });

  it('turns CATALOG_CREDENTIAL into OAuth2 client credentials, with token endpoint and scope when given', () => {
    expect(authOf({ CATALOG_CREDENTIAL: 'writer:s3cr:et' })).toEqual({ type: 'oauth2', clientId: 'writer', clientSecret: 's3cr:et' });
    expect(
      authOf({ CATALOG_CREDENTIAL: 'writer:secret', CATALOG_OAUTH2_SERVER_URI: 'https://idp.example/oauth/token', CATALOG_SCOPE: 'PRINCIPAL_ROLE:writer' }),
    ).toEqual({ type: 'oauth2', clientId: 'writer', clientSecret: 'secret', tokenUrl: 'https://idp.example/oauth/token', scope: 'PRINCIPAL_ROLE:writer' });
  });

  it('rejects a malformed credential or token endpoint, naming the variable', () => {
    expect(() => load({ CATALOG_CREDENTIAL: 'no-colon' })).toThrow(ConfigError);
    expect(() => load({ CATALOG_CREDENTIAL: 'no-colon' })).toThrow(/CATALOG_CREDENTIAL \(catalog\.credential\): expected <client_id>:<client_secret>/);
    expect(() => load({ CATALOG_CREDENTIAL: 'id:' })).toThrow(/CATALOG_CREDENTIAL/);
    expect(() => load({ CATALOG_OAUTH2_SERVER_URI: 'idp.example/token' })).toThrow(/CATALOG_OAUTH2_SERVER_URI \(catalog\.oauth2ServerUri\): expected an http/);
  });

  it('refuses settings that could not take effect, naming the key and the fix', () => {
    expect(() => authOf({ CATALOG_TOKEN: 't', CATALOG_CREDENTIAL: 'a:b' })).toThrow(/CATALOG_TOKEN and CATALOG_CREDENTIAL are both set: set only one/);
    expect(() => authOf({ CATALOG_SCOPE: 'catalog' })).toThrow(IcebergWriterError);
    expect(() => authOf({ CATALOG_SCOPE: 'catalog' })).toThrow('CATALOG_SCOPE is set but CATALOG_CREDENTIAL is not: set CATALOG_CREDENTIAL=<client_id>:<client_secret> or remove CATALOG_SCOPE');
    expect(() => authOf({ CATALOG_OAUTH2_SERVER_URI: 'https://idp.example/t' })).toThrow(/^CATALOG_OAUTH2_SERVER_URI is set but CATALOG_CREDENTIAL is not/);
  });

  it('redacts the credential when the config is logged', () => {
    const logged = JSON.stringify(redactConfig(icebergWriterConfigSchema, load({ CATALOG_CREDENTIAL: 'writer:top-secret' })));
    expect(logged).not.toContain('top-secret');
  });
});
