// The default network of each game, exported by the trainer exactly as training would
// start (random weights, the architecture `trainer.network = "auto"` picks). Throughput
// depends on the architecture, not the weights, so an untrained export measures the real cost.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTorchPython } from '../../src/bench/index.js';

const trainerDir = fileURLToPath(new URL('../../trainer', import.meta.url));

export interface DefaultNet {
  envId: string;
  path: string;
  obsSize: number;
  numActions: number;
  /** e.g. "resnet 32ch×4 (…k params)". */
  description: string;
}

/** Why default nets cannot be exported here, or undefined when they can. */
export function defaultNetsUnavailable(): string | undefined {
  if (!existsSync(join(trainerDir, 'cartridge_trainer', 'roundtrip.py'))) {
    return 'the trainer package (trainer/cartridge_trainer) with its model export is missing';
  }
  if (!findTorchPython())
    return 'no python3 with torch found (apt-get install python3-torch, or set CARTRIDGE_PYTHON)';
  return undefined;
}

const describeScript = `
import json, sys
from cartridge_trainer.games import game_spec
from cartridge_trainer.networks import build_network, network_spec, parameter_count
from cartridge_trainer.config import TrainerOptions
o = TrainerOptions()
out = {}
for g in sys.argv[1].split(","):
    game = game_spec(g)
    spec = network_spec(game, "auto", o.hidden_size, o.filters, o.blocks)
    out[g] = {"spec": spec.to_dict(), "parameters": parameter_count(build_network(game, spec))}
print(json.dumps(out))
`;

function describe(spec: Record<string, unknown>, parameters: number): string {
  const size = spec.kind === 'mlp' ? `hidden ${spec.hidden_size}` : `${spec.filters}ch×${spec.blocks} blocks`;
  return `${spec.kind} ${size} (${(parameters / 1000).toFixed(1)}k params)`;
}

/**
 * Exports each game's default net into `dir` with `python3 -m cartridge_trainer roundtrip`
 * (the trainer's export path: same `onnx_bytes` the trainer publishes with).
 */
export function exportDefaultNets(dir: string, games: readonly string[]): DefaultNet[] {
  const python = findTorchPython();
  if (!python) throw new Error(defaultNetsUnavailable());
  const env = { ...process.env, PYTHONPATH: trainerDir, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' };
  execFileSync(
    python,
    ['-m', 'cartridge_trainer', 'roundtrip', '--out', dir, '--games', games.join(','), '--batch', '1'],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const specs = JSON.parse(
    execFileSync(python, ['-c', describeScript, games.join(',')], { env, encoding: 'utf8' }),
  ) as Record<string, { spec: Record<string, unknown>; parameters: number }>;
  return games.map((envId) => {
    const meta = JSON.parse(readFileSync(join(dir, `${envId}.json`), 'utf8')) as {
      obs_size: number;
      num_actions: number;
    };
    const info = specs[envId]!;
    return {
      envId,
      path: join(dir, `${envId}.onnx`),
      obsSize: meta.obs_size,
      numActions: meta.num_actions,
      description: describe(info.spec, info.parameters),
    };
  });
}

/** Observations shaped like real positions: 0/1 planes (values only matter for NaN-free runs). */
export function randomObservations(count: number, obsSize: number, seed = 1): Float32Array {
  const out = new Float32Array(count * obsSize);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s >>> 0) % 3 === 0 ? 1 : 0;
  }
  return out;
}
