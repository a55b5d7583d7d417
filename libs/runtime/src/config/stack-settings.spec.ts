import { z } from 'zod';
import { ConfigError } from '../errors';
import { loadConfig } from './load-config';
import { redactConfig } from './redact';
import { catalogAuthOf, catalogConnectionSettings } from './stack-settings';

const schema = z.object({ catalog: catalogConnectionSettings() });
const load = (env: NodeJS.ProcessEnv) => loadConfig({ service: 'svc', schema, env }).config;
const authOf = (env: NodeJS.ProcessEnv) => catalogAuthOf(load(env).catalog, 'svc');

describe('catalog authentication settings', () => {
  it('uses no auth by default and a bearer token from CATALOG_TOKEN', () => {
    expect(authOf({})).toBeUndefined();
    expect(authOf({ CATALOG_TOKEN: 't0k' })).toEqual({ type: 'bearer', token: 't0k' });
  });

  it('turns CATALOG_CREDENTIAL into OAuth2 client credentials, with token endpoint and scope when given', () => {
    expect(authOf({ CATALOG_CREDENTIAL: 'writer:s3cr:et' })).toEqual({ type: 'oauth2', clientId: 'writer', clientSecret: 's3cr:et' });
    expect(authOf({ CATALOG_CREDENTIAL: 'writer:secret', CATALOG_OAUTH2_SERVER_URI: 'https://idp.example/oauth/token', CATALOG_SCOPE: 'PRINCIPAL_ROLE:writer' })).toEqual({
      type: 'oauth2',
      clientId: 'writer',
      clientSecret: 'secret',
      tokenUrl: 'https://idp.example/oauth/token',
      scope: 'PRINCIPAL_ROLE:writer',
    });
  });

  it('rejects a malformed credential or token endpoint at load, naming the variable', () => {
    expect(() => load({ CATALOG_CREDENTIAL: 'no-colon' })).toThrow(ConfigError);
    expect(() => load({ CATALOG_CREDENTIAL: 'no-colon' })).toThrow(/CATALOG_CREDENTIAL \(catalog\.credential\): expected <client_id>:<client_secret>/);
    expect(() => load({ CATALOG_CREDENTIAL: 'id:' })).toThrow(/CATALOG_CREDENTIAL/);
    expect(() => load({ CATALOG_OAUTH2_SERVER_URI: 'idp.example/token' })).toThrow(/CATALOG_OAUTH2_SERVER_URI \(catalog\.oauth2ServerUri\): expected an http/);
  });

  it('refuses settings that could not take effect, naming each variable and the fix', () => {
    expect(() => authOf({ CATALOG_TOKEN: 't', CATALOG_CREDENTIAL: 'a:b' })).toThrow(/CATALOG_CREDENTIAL \(catalog\.credential\): CATALOG_TOKEN is set too: set only one/);
    expect(() => authOf({ CATALOG_SCOPE: 'catalog' })).toThrow(ConfigError);
    expect(() => authOf({ CATALOG_SCOPE: 'catalog', CATALOG_OAUTH2_SERVER_URI: 'https://idp.example/t' })).toThrow(
      /invalid configuration for svc \(2 problems\):\n {2}- CATALOG_OAUTH2_SERVER_URI \(catalog\.oauth2ServerUri\): set but CATALOG_CREDENTIAL is not: set CATALOG_CREDENTIAL=<client_id>:<client_secret> or remove CATALOG_OAUTH2_SERVER_URI\n {2}- CATALOG_SCOPE \(catalog\.scope\): set but CATALOG_CREDENTIAL is not/,
    );
  });

  it('redacts the credential and the token when the config is logged', () => {
    const logged = JSON.stringify(redactConfig(schema, load({ CATALOG_CREDENTIAL: 'writer:top-secret' })));
    expect(logged).not.toContain('top-secret');
    expect(JSON.stringify(redactConfig(schema, load({ CATALOG_TOKEN: 'tok-secret' })))).not.toContain('tok-secret');
  });
});
