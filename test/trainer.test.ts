// The trainer's cross-language contracts: its ONNX export runs in onnxruntime-node with the
// same outputs as PyTorch, its augmentation matches the C++ symmetries, and `cartridge trainer`
// turns a replay buffer written by the TS store into a latest.onnx the actors' loader accepts.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import * as ort from 'onnxruntime-node';
import { replayMetadata } from '../src/games/index.js';
import { OnnxModel } from '../src/inference/index.js';
import { loadAddon } from '../src/native/index.js';
import { openReplayStore, syntheticEpisode } from '../src/replay/index.js';
import { findTorchPython, trainerPackageDir } from '../src/trainer/index.js';

const root = join(trainerPackageDir, '..');
const python = findTorchPython();
const pythonEnv = {
  ...process.env,
  PYTHONPATH: trainerPackageDir,
  OMP_NUM_THREADS: '1',
  OPENBLAS_NUM_THREADS: '1',
};
const games = { tictactoe: [29, 9], connect4: [93, 7], othello: [195, 65], othello6: [111, 37] } as const;

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'cartridge-trainer-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function trainerJson(...args: string[]): unknown {
  return JSON.parse(
    execFileSync(python, ['-m', 'cartridge_trainer', ...args], { env: pythonEnv, encoding: 'utf8' }),
  );
}

test('onnxruntime-node runs the exported models with the PyTorch outputs (1e-4)', async (t) => {
  const dir = tempDir(t);
  execFileSync(python, ['-m', 'cartridge_trainer', 'roundtrip', '--out', dir], { env: pythonEnv });
  for (const [envId, [obsSize, numActions]] of Object.entries(games)) {
    const dump = JSON.parse(readFileSync(join(dir, `${envId}.json`), 'utf8')) as {
      batch: number;
      observation: number[];
      policy_logits: number[];
      value: number[];
    };
    const session = await ort.InferenceSession.create(join(dir, `${envId}.onnx`));
    t.deepEqual(session.inputNames, ['observation'], envId);
    t.deepEqual(session.outputNames, ['policy_logits', 'value'], envId);
    const input = new ort.Tensor('float32', Float32Array.from(dump.observation), [dump.batch, obsSize]);
    const out = await session.run({ observation: input });
    t.deepEqual(out.policy_logits!.dims, [dump.batch, numActions], envId);
    t.deepEqual(out.value!.dims, [dump.batch, 1], envId);
    const maxDiff = (a: ArrayLike<number>, b: number[]) =>
      b.reduce((m, x, i) => Math.max(m, Math.abs(x - Number(a[i]))), 0);
    t.true(maxDiff(out.policy_logits!.data as Float32Array, dump.policy_logits) < 1e-4, `${envId} logits`);
    t.true(maxDiff(out.value!.data as Float32Array, dump.value) < 1e-4, `${envId} value`);
    // a different batch size through the dynamic axis
    const one = await session.run({
      observation: new ort.Tensor('float32', Float32Array.from(dump.observation.slice(0, obsSize)), [
        1,
        obsSize,
      ]),
    });
    t.true(maxDiff(one.value!.data as Float32Array, dump.value.slice(0, 1)) < 1e-4, `${envId} batch 1`);
    await session.release();
  }
});

interface SymmetryDump {
  cell: number[][];
  action: number[][];
  observation?: number[][];
  policy?: number[][];
}

// The C++ side: the addon's symmetryTables when it has one, else the game headers themselves
// (native/games: symmetric_cell / symmetric_action / transform_observation / transform_policy)
// compiled into a small dumper.
const cppDumper = `
#include <cstdio>
#include <vector>
#include "games/registry.hpp"
using namespace cartridge;
static void rows(int count, int len, auto value) {
  for (int s = 0; s < count; ++s) {
    std::printf("%s[", s ? "," : "");
    for (int i = 0; i < len; ++i) std::printf("%s%d", i ? "," : "", value(s, i));
    std::printf("]");
  }
}
int main() {
  bool first = true;
  std::printf("{");
  for_each_game([&]<class G>() {
    constexpr GameInfo info = G::kInfo;
    const int cells = info.board_width * info.board_height, n = info.num_symmetries;
    std::printf("%s\\"%s\\":{\\"cell\\":[", first ? "" : ",", info.env_id);
    first = false;
    rows(n, cells, [](int s, int c) { return G::symmetric_cell(s, c); });
    std::printf("],\\"action\\":[");
    rows(n, info.num_actions, [](int s, int a) { return G::symmetric_action(s, a); });
    std::vector<float> in(info.obs_size), out(info.obs_size), pin(info.num_actions), pout(info.num_actions);
    for (int i = 0; i < info.obs_size; ++i) in[i] = float(i);
    for (int a = 0; a < info.num_actions; ++a) pin[a] = float(a);
    std::printf("],\\"observation\\":[");
    rows(n, info.obs_size, [&](int s, int i) { if (i == 0) transform_observation<G>(s, in.data(), out.data()); return int(out[i]); });
    std::printf("],\\"policy\\":[");
    rows(n, info.num_actions, [&](int s, int a) { if (a == 0) transform_policy<G>(s, pin.data(), pout.data()); return int(pout[a]); });
    std::printf("]}");
  });
  std::printf("}\\n");
}
`;

function cppSymmetries(dir: string): { source: string; tables: Record<string, SymmetryDump> } {
  const addon = (() => {
    try {
      return loadAddon();
    } catch {
      return undefined;
    }
  })();
  if (typeof addon?.symmetryTables === 'function') {
    const fn = addon.symmetryTables as (envId: string) => { cell: Int32Array; action: Int32Array };
    const tables: Record<string, SymmetryDump> = {};
    for (const envId of Object.keys(games)) {
      const { cell, action } = fn(envId);
      tables[envId] = { cell: [Array.from(cell)], action: [Array.from(action)] }; // flat [S * n]
    }
    return { source: 'addon symmetryTables', tables };
  }
  const src = join(dir, 'symdump.cpp');
  writeFileSync(src, cppDumper);
  const exe = join(dir, 'symdump');
  const cc = spawnSync('c++', ['-std=c++20', '-O0', `-I${join(root, 'native')}`, src, '-o', exe], {
    encoding: 'utf8',
  });
  if (cc.status !== 0) throw new Error(`compiling the symmetry dumper failed:\n${cc.stderr}`);
  return { source: 'native/games headers', tables: JSON.parse(execFileSync(exe, { encoding: 'utf8' })) };
}

test('trainer augmentation matches the C++ symmetries exactly', (t) => {
  const dir = tempDir(t);
  const cpp = cppSymmetries(dir);
  const py = trainerJson('symmetry', '--vectors') as Record<string, SymmetryDump>;
  for (const envId of Object.keys(games)) {
    const c = cpp.tables[envId];
    const p = py[envId]!;
    t.truthy(c, `${cpp.source} has ${envId}`);
    if (!c) continue;
    if (c.cell.length === 1 && p.cell.length > 1) {
      // the addon returns flat [S * n] tables
      t.deepEqual(c.cell[0], p.cell.flat(), `${envId} cells (${cpp.source})`);
      t.deepEqual(c.action[0], p.action.flat(), `${envId} actions (${cpp.source})`);
    } else {
      t.deepEqual(c.cell, p.cell, `${envId} cells (${cpp.source})`);
      t.deepEqual(c.action, p.action, `${envId} actions (${cpp.source})`);
    }
    if (c.observation) {
      t.deepEqual(c.observation, p.observation, `${envId} observation transform`);
      t.deepEqual(c.policy, p.policy, `${envId} policy transform`);
    }
  }
});

function cli(args: string[], cwd: string) {
  return spawnSync(process.execPath, [join(root, 'bin', 'cartridge.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CARTRIDGE_LOGGING_FORMAT: 'json' },
    timeout: 240_000,
  });
}

test('cartridge trainer turns a TS-written buffer into a latest.onnx the actors load', async (t) => {
  const dir = tempDir(t);
  const store = openReplayStore({ backend: 'sqlite', path: join(dir, 'replay.db') });
  await store.migrate();
  await store.upsertGameMetadata(replayMetadata('tictactoe'));
  await store.writeEpisodes(
    Array.from({ length: 20 }, (_, i) =>
      syntheticEpisode({ envId: 'tictactoe', episodeId: `e${i}`, steps: 7 }),
    ),
  );
  await store.close();

  const run = cli(
    ['trainer', '--game', 'tictactoe', '--steps', '20', '--iteration', '3', '--data-dir', dir],
    dir,
  );
  t.is(run.status, 0, run.stderr);
  const summary = JSON.parse(run.stdout.trim().split('\n').pop()!);
  t.is(summary.step, 20);
  t.is(summary.buffer_size, 140);
  const models = join(dir, 'models');
  const sidecar = JSON.parse(readFileSync(join(models, 'latest.json'), 'utf8'));
  const bytes = readFileSync(join(models, 'latest.onnx'));
  t.is(sidecar.sha256, createHash('sha256').update(bytes).digest('hex'));
  t.is(sidecar.model, 'model_3_20.onnx');
  t.deepEqual(readFileSync(join(models, 'model_3_20.onnx')), bytes);
  const model = await OnnxModel.load(join(models, 'latest.onnx'), { obsSize: 29, numActions: 9 });
  const out = await model.evaluate(new Float32Array(2 * 29), 2);
  t.is(out.policyLogits.length, 18);
  t.true(out.values.every((v) => v >= -1 && v <= 1));
  await model.release();
  const stats = JSON.parse(readFileSync(join(dir, 'stats.json'), 'utf8'));
  t.is(stats.samples_seen, 20 * 256);
  t.true(stats.history.length >= 2);
});

test('cartridge trainer on an empty buffer exits 2 with one clear message', async (t) => {
  const dir = tempDir(t);
  const store = openReplayStore({ backend: 'sqlite', path: join(dir, 'replay.db') });
  await store.migrate();
  await store.close();
  const run = cli(['trainer', '--game', 'connect4', '--steps', '5', '--data-dir', dir], dir);
  t.is(run.status, 2);
  t.regex(run.stderr, /no transitions for 'connect4'/);
  t.notRegex(run.stderr, /Traceback|at .*\.ts:\d+/);
});
