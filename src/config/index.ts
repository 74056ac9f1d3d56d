export {
  ConfigError,
  type FlagOverride,
  type LoadConfigOptions,
  type LoadedConfig,
  loadConfig,
} from './load.js';
export { type DataPaths, dataPaths, replayLocation } from './paths.js';
export { type CartridgeConfig, type ConfigSection, configSchema } from './schema.js';
