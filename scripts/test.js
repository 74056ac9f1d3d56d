#!/usr/bin/env node
// `npm test`: every suite in order — native C++ tests under ASan+UBSan, the addon's TypeScript
// surface on the sanitizer build, the TypeScript tests (ava), the Python trainer tests (pytest) — then one summary line
// "N passed, M failed" over all of them. Exits non-zero if any suite fails.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';

const jobs = String(Math.max(1, cpus().length));

function run(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const tee = (stream, target) =>
      stream.on('data', (chunk) => {
        output += chunk;
        target.write(chunk);
      });
    tee(child.stdout, process.stdout);
    tee(child.stderr, process.stderr);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

function count(output, pattern) {
  let total = 0;
  for (const match of output.matchAll(pattern)) total += Number(match[1]);
  return total;
}

function findTorchPython() {
  const candidates = [process.env.CARTRIDGE_PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean);
  return candidates.find(
    (python) => spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0,
  );
}

const results = [];

// ava prints "N tests passed" only when nothing failed; otherwise count its per-test ✔ lines.
function avaCounts(out) {
  const summary = count(out, /(\d+) tests? passed/g);
  return {
    passed: summary > 0 ? summary : (out.match(/^\s*✔ /gm) ?? []).length,
    failed: count(out, /(\d+) tests? failed/g) + count(out, /(\d+) uncaught exceptions?/g),
  };
}

async function suite(name, steps, parse) {
  process.stdout.write(`\n=== ${name} ===\n`);
  let output = '';
  for (const [command, args, env] of steps) {
    const result = await run(command, args, env);
    output += result.output;
    if (result.code !== 0) {
      const parsed = parse(output);
      results.push({ name, passed: parsed.passed, failed: Math.max(1, parsed.failed), ok: false });
      return;
    }
  }
  results.push({ name, ...parse(output), ok: true });
}

const only = process.argv[2];

if (!only || only === 'native') {
  await suite(
    'native (ASan + UBSan)',
    [
      [
        'cmake',
        [
          '-S',
          '.',
          '-B',
          'build-native-test',
          '-DCARTRIDGE_NATIVE_TESTS=ON',
          '-DCARTRIDGE_SANITIZE=ON',
          '-DCMAKE_BUILD_TYPE=Debug',
        ],
      ],
      ['cmake', ['--build', 'build-native-test', '--parallel', jobs]],
      [
        './build-native-test/cartridge_native_tests',
        [],
        { ASAN_OPTIONS: 'detect_leaks=1', UBSAN_OPTIONS: 'print_stacktrace=1' },
      ],
    ],
    (out) => ({
      passed: count(out, /native: (\d+) passed/g),
      failed: count(out, /native: \d+ passed, (\d+) failed/g),
    }),
  );
}

if (!only || only === 'native-ts') {
  // The addon's own surface (games, search, solver) through TypeScript, on the ASan+UBSan build of
  // the addon. ASan must be the first library loaded into node, hence LD_PRELOAD.
  const libasan = spawnSync('g++', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).stdout.trim();
  await suite(
    'typescript on the sanitizer addon (games, search, solver)',
    [
      ['npm', ['run', 'build:native:debug']],
      [
        'npx',
        ['ava', 'test/games.test.ts', 'test/search.test.ts', 'test/solver.test.ts'],
        { LD_PRELOAD: libasan, ASAN_OPTIONS: 'detect_leaks=0', CARTRIDGE_NATIVE_BUILD: 'debug' },
      ],
    ],
    avaCounts,
  );
}

if (!only || only === 'ts') {
  await suite('typescript (ava)', [['npx', ['ava']]], avaCounts);
}

if ((!only || only === 'python') && existsSync('trainer/tests')) {
  const python = findTorchPython();
  if (!python) {
    process.stdout.write('\nNo Python with torch found (install python3-torch or set CARTRIDGE_PYTHON).\n');
    results.push({ name: 'python (pytest)', passed: 0, failed: 1, ok: false });
  } else {
    await suite('python (pytest)', [[python, ['-m', 'pytest', '-q', 'trainer/tests']]], (out) => ({
      passed: count(out, /(\d+) passed/g),
      failed: count(out, /(\d+) failed/g) + count(out, /(\d+) errors?/g),
    }));
  }
}

process.stdout.write('\n=== summary ===\n');
for (const r of results)
  process.stdout.write(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name}: ${r.passed} passed, ${r.failed} failed\n`);
const passed = results.reduce((s, r) => s + r.passed, 0);
const failed = results.reduce((s, r) => s + r.failed, 0);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
