export { findTorchPython, TrainerPythonError } from './python.js';
export {
  type RunTrainerOptions,
  runTrainer,
  TRAINER_USAGE_EXIT,
  type TrainerPaths,
  TrainerRunError,
  type TrainerSummary,
  trainerPackageDir,
} from './run.js';
