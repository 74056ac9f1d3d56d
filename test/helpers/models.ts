// Builds small real ONNX models for tests through test/helpers/make_onnx_model.py.
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./make_onnx_model.py', import.meta.url));

export function pythonWithOnnx(): string {
  const candidates = [process.env.CARTRIDGE_PYTHON, '/usr/bin/python3', 'python3'].filter(
    Boolean,
  ) as string[];
  const found = candidates.find(
    (p) => spawnSync(p, ['-c', 'import onnx, numpy'], { stdio: 'ignore' }).status === 0,
  );
  if (!found) throw new Error('tests need a python3 with onnx and numpy (apt-get install python3-onnx)');
  return found;
}

export type ModelVariant = 'valid' | 'wrong-input-name' | 'wrong-policy-shape' | 'missing-value';

export function writeTestModel(
  out: string,
  shape: { obsSize: number; numActions: number },
  options: { seed?: number; variant?: ModelVariant; scale?: number } = {},
): string {
  execFileSync(pythonWithOnnx(), [
    script,
    out,
    '--obs-size',
    String(shape.obsSize),
    '--num-actions',
    String(shape.numActions),
    '--seed',
    String(options.seed ?? 0),
    '--scale',
    String(options.scale ?? 0.1),
    '--variant',
    options.variant ?? 'valid',
  ]);
  return out;
}
