import { join } from 'node:path';
import type { CartridgeConfig, DataPaths } from '../config/index.js';

/** The model file actors follow: models/latest.onnx (AlphaZero) or models/best.onnx (gated), per training.generate_with. */
export function actorModelFile(config: CartridgeConfig, paths: DataPaths): string {
  return join(paths.modelsDir, config.training.generate_with === 'latest' ? 'latest.onnx' : 'best.onnx');
}
