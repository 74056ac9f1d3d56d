export {
  INPUT_NAME,
  ModelContractError,
  type ModelShape,
  modelVersionOf,
  type NetworkOutput,
  OnnxModel,
  POLICY_OUTPUT,
  type PolicyValueModel,
  type SessionOptions,
  UniformModel,
  VALUE_OUTPUT,
} from './model.js';
export { ModelWatcher, type ModelWatcherOptions } from './watcher.js';
