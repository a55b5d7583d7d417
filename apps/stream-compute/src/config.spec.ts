import { catalogAuthOf, ConfigError, loadConfig } from '@retail/runtime';
import { DEFAULT_WINDOW_SIZE_MS, DEFAULT_WRITER_ID, STREAM_COMPUTE_HTTP_PORT, streamComputeConfigSchema } from './config';
import { normaliseComputeOptions } from './operators';
import { computeOptionsOf } from './service/compute-options';
import { OUTPUT_NAMES, recordOf } from './service/outputs';
import { tableIdentifierOf } from './service/tables';

const load = (env: NodeJS.ProcessEnv) => loadConfig({ service: 'stream-compute', schema: streamComputeConfigSchema, env }).config;

describe('stream-compute configuration', () => {
  it('defaults to one-minute tumbling windows over the detection topic', () => {
    const config = load({});
    expect(config.http.port).toBe(STREAM_COMPUTE_HTTP_PORT);
    expect(config.window.sizeMs).toBe(DEFAULT_WINDOW_SIZE_MS);
    expect(config.window.slideMs).toBe(config.window.sizeMs);
    expect(config.input).toEqual({ topic: 'persistent://retail/ingest/detections', subscription: 'stream-compute' });
    expect(config.writer.id).toBe(DEFAULT_WRITER_ID);
    expect(config.alerts).toEqual({ enabled: true, topic: 'persistent://retail/compute/alerts', provisionDeduplication: false });
    expect(config.snapshotExpiry).toEqual({ enabled: true, intervalMs: 600_000, maxAgeMs: 600_000, retainLast: 100 });
  });

  it('authenticates to the catalog with a token or with OAuth2 client credentials, as iceberg-writer does', () => {
    expect(catalogAuthOf(load({}).catalog, 'stream-compute')).toBeUndefined();
    expect(catalogAuthOf(load({ CATALOG_TOKEN: 't' }).catalog, 'stream-compute')).toEqual({ type: 'bearer', token: 't' });
    expect(catalogAuthOf(load({ CATALOG_CREDENTIAL: 'compute:s3cret', CATALOG_SCOPE: 'PRINCIPAL_ROLE:compute' }).catalog, 'stream-compute')).toEqual({
      type: 'oauth2',
      clientId: 'compute',
      clientSecret: 's3cret',
      scope: 'PRINCIPAL_ROLE:compute',
    });
    expect(() => catalogAuthOf(load({ CATALOG_SCOPE: 'x' }).catalog, 'stream-compute')).toThrow(/invalid configuration for stream-compute .*CATALOG_SCOPE \(catalog\.scope\): set but CATALOG_CREDENTIAL is not/s);
  });

  it('writes each output to its record\'s own table, under an optional namespace prefix', () => {
    const names = (prefix: string) => OUTPUT_NAMES.map((o) => tableIdentifierOf(recordOf(o), prefix)).map((id) => `${id.namespace.join('.')}.${id.name}`);
    expect(names(load({}).tables.namespacePrefix)).toEqual([
      'gold.item_counts',
      'silver.detections',
      'gold.zone_dwell',
      'gold.line_crossings',
      'gold.queue_alerts',
      'ops.late_events',
      'ops.dead_letters',
    ]);
    expect(names(load({ TABLE_NAMESPACE_PREFIX: 'it_x_' }).tables.namespacePrefix)[0]).toBe('it_x_gold.item_counts');
  });

  it('passes the operator options it sets and leaves the rest to the operators\' defaults', () => {
    const config = load({ QUALITY_MIN_CONFIDENCE: '0.3', QUALITY_CHECK_CLOCK_SKEW: 'false', QUEUE_MIN_TRACKS: '3', DEDUP_MAX_ENTRIES: '1000', PATTERNS_ENABLED: 'false' });
    const options = normaliseComputeOptions(computeOptionsOf(config));
    expect(options.quality.minConfidence).toBe(0.3);
    expect(options.quality.checks).toEqual({ confidence: true, bbox: true, requiredFields: true, clockSkew: false });
    expect(options.patterns.enabled).toBe(false);
    expect(options.patterns.queue.minTracks).toBe(3);
    expect(options.dedup.maxEntries).toBe(1000);
    expect(normaliseComputeOptions(computeOptionsOf(load({})))).toEqual(normaliseComputeOptions({}));
  });

  it('accepts sliding windows whose slide divides the size', () => {
    expect(load({ WINDOW_SIZE_MS: '300000', WINDOW_SLIDE_MS: '60000' }).window).toMatchObject({ sizeMs: 300_000, slideMs: 60_000 });
  });

  it('rejects a slide that does not divide the window size, naming the key', () => {
    expect(() => load({ WINDOW_SIZE_MS: '60000', WINDOW_SLIDE_MS: '45000' })).toThrow(ConfigError);
    expect(() => load({ WINDOW_SIZE_MS: '60000', WINDOW_SLIDE_MS: '45000' })).toThrow(
      'WINDOW_SLIDE_MS (window.slideMs): expected a slide that divides the window size (equal for tumbling windows), got 45000',
    );
  });

  it('rejects bad values naming the env variable and the key', () => {
    expect(() => load({ ALLOWED_LATENESS_MS: '-1', TABLE_NAMESPACE_PREFIX: 'It-X' })).toThrow(
      /ALLOWED_LATENESS_MS \(window.allowedLatenessMs\): expected a value >= 0, got -1[\s\S]*TABLE_NAMESPACE_PREFIX \(tables.namespacePrefix\): expected lower_snake_case or empty, got "It-X"/,
    );
    expect(() => load({ QUALITY_MIN_CONFIDENCE: '1.5' })).toThrow(/QUALITY_MIN_CONFIDENCE \(quality.minConfidence\)/);
    expect(() => load({ STREAM_COMPUTE_WRITER_ID: 'a b' })).toThrow(/STREAM_COMPUTE_WRITER_ID \(writer.id\): expected letters, digits/);
    expect(() => load({ CHECKPOINT_STATE_LOCATION: 'warehouse/checkpoints' })).toThrow(/CHECKPOINT_STATE_LOCATION \(checkpoint.stateLocation\): expected an s3:\/\//);
  });
});
