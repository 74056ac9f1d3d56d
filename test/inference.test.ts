import { copyFileSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ModelContractError, ModelWatcher, OnnxModel, UniformModel } from '../src/inference/index.js';
import { writeTestModel } from './helpers/models.js';

const shape = { obsSize: 29, numActions: 9 };
const dir = mkdtempSync(join(tmpdir(), 'cartridge-inference-'));

test('a valid model evaluates a batch with the contract shapes and matches a reference computation', async (t) => {
  const path = writeTestModel(join(dir, 'a.onnx'), shape, { seed: 1 });
  const model = await OnnxModel.load(path, shape);
  t.regex(model.version, /^sha256:[0-9a-f]{12}$/);
  const obs = new Float32Array(3 * shape.obsSize + 5); // longer than needed: only 3 rows are read
  obs[0] = 1;
  obs[shape.obsSize + 4] = 1;
  const out = await model.evaluate(obs, 3);
  t.is(out.policyLogits.length, 3 * shape.numActions);
  t.is(out.values.length, 3);
  for (const v of out.values) t.true(v > -1 && v < 1);
  // Rows 2 (all zeros) must give the bias only: identical to a fresh zero batch.
  const zero = await model.evaluate(new Float32Array(shape.obsSize), 1);
  t.deepEqual(Array.from(out.policyLogits.subarray(18, 27)), Array.from(zero.policyLogits));
  t.notDeepEqual(Array.from(out.policyLogits.subarray(0, 9)), Array.from(zero.policyLogits));
  await model.release();
});

for (const variant of ['wrong-input-name', 'wrong-policy-shape', 'missing-value'] as const) {
  test(`a model with ${variant} is rejected with a clear error`, async (t) => {
    const path = writeTestModel(join(dir, `${variant}.onnx`), shape, { variant });
    const error = await t.throwsAsync(OnnxModel.load(path, shape), { instanceOf: ModelContractError });
    t.regex(error.message, new RegExp(`${variant}\\.onnx`));
  });
}

test('a model for another game (obs size mismatch) is rejected', async (t) => {
  const path = writeTestModel(join(dir, 'c4.onnx'), { obsSize: 93, numActions: 7 });
  await t.throwsAsync(OnnxModel.load(path, shape), { message: /observation \[batch, 29\]/ });
});

test('truncated and garbage files are rejected', async (t) => {
  const good = writeTestModel(join(dir, 'good.onnx'), shape);
  const truncated = join(dir, 'truncated.onnx');
  const bytes = readFileSync(good);
  writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
  await t.throwsAsync(OnnxModel.load(truncated, shape), { instanceOf: ModelContractError });
  writeFileSync(join(dir, 'garbage.onnx'), 'not a model');
  await t.throwsAsync(OnnxModel.load(join(dir, 'garbage.onnx'), shape), { instanceOf: ModelContractError });
  await t.throwsAsync(OnnxModel.load(join(dir, 'missing.onnx'), shape), { message: /cannot read model/ });
});

test('the uniform model returns zero logits and values', async (t) => {
  const out = await new UniformModel(29, 9).evaluate(new Float32Array(58), 2);
  t.deepEqual(Array.from(out.policyLogits), new Array(18).fill(0));
  t.deepEqual(Array.from(out.values), [0, 0]);
});

test('the watcher offers each new valid latest.onnx and rejects a corrupt one', async (t) => {
  const modelsDir = mkdtempSync(join(tmpdir(), 'cartridge-models-'));
  const latest = join(modelsDir, 'latest.onnx');
  const loaded: string[] = [];
  const rejected: string[] = [];
  const watcher = new ModelWatcher({
    path: latest,
    shape,
    pollMs: 50,
    onModel: (m) => {
      loaded.push(m.version);
      void m.release();
    },
    onReject: (e) => rejected.push(e.message),
  });
  await watcher.start();
  t.deepEqual(loaded, []);
  const publish = (src: string) => {
    copyFileSync(src, `${latest}.tmp`);
    renameSync(`${latest}.tmp`, latest);
  };
  publish(writeTestModel(join(dir, 'w1.onnx'), shape, { seed: 5 }));
  await waitFor(() => loaded.length === 1);
  writeFileSync(`${latest}.tmp`, 'corrupt');
  renameSync(`${latest}.tmp`, latest);
  await waitFor(() => rejected.length === 1);
  publish(writeTestModel(join(dir, 'w2.onnx'), shape, { seed: 6 }));
  await waitFor(() => loaded.length === 2);
  watcher.close();
  t.not(loaded[0], loaded[1]);
  t.is(rejected.length, 1);
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for condition');
    await new Promise((r) => setTimeout(r, 20));
  }
}
