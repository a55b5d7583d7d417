export { ConfigError, RuntimeError, formatProblem, type ConfigProblem } from './errors';
export { setting, secretSetting, type SettingMeta } from './config/setting';
export { loadConfig, configFileEnvFor, type LoadConfigOptions, type LoadedConfig } from './config/load-config';
export { redactConfig } from './config/redact';
export { REDACTED } from './config/issues';
export {
  configTypes,
  defineServiceConfig,
  runtimeConfigShape,
  LOG_LEVELS,
  DEFAULT_LOG_LEVEL,
  DEFAULT_HTTP_HOST,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  DEFAULT_SHUTDOWN_HOOK_TIMEOUT_MS,
  DEFAULT_EVENT_LOOP_STALL_MS,
  DEFAULT_READINESS_CHECK_TIMEOUT_MS,
  type LogLevel,
  type RuntimeConfig,
} from './config/service-config';
export { snapshotExpirySettings, type SnapshotExpiryDefaults } from './config/snapshot-expiry-settings';
export {
  LOCAL_STACK_DEFAULTS,
  pulsarConnectionSettings,
  catalogConnectionSettings,
  catalogAuthOf,
  s3Settings,
  type CatalogAuthSetting,
  type CatalogConnection,
} from './config/stack-settings';
export { createLogger, componentLogger, defaultInstanceId, type Logger, type LoggerOptions } from './logging';
export { createServiceRegistry, registerReadinessMetrics, Counter, Gauge, Histogram, Summary, Registry } from './metrics';
export { Readiness, type ReadinessCheck, type ReadinessFlag, type ReadinessReport, type CheckReport, type CheckOutcome } from './readiness';
export { EventLoopWatchdog, type LivenessReport } from './liveness';
export { ShutdownCoordinator, EXIT_SHUTDOWN_FAILED, type ShutdownHook, type ShutdownResult, type ShutdownStep, type StepOutcome } from './shutdown';
export { startOpsServer, type OpsServer, type OpsServerOptions } from './http-server';
export { createService, type ServiceContext, type ServiceDefinition, type ServiceEnvironment, type ServiceHandle } from './service';
export { seededRandom } from './seeded-random';
export { runService, EXIT_CONFIG_INVALID, EXIT_FAILURE } from './run-service';
