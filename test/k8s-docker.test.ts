// No Docker engine here, so the images cannot be built: this lints the Dockerfiles instead.
// Checked: multi-stage structure, pinned base images, COPY --from names a stage, non-root USER in
// the final stage, the entry point is the cartridge CLI, and every COPY source exists in the
// build context (after .dockerignore).
import { existsSync, readFileSync } from 'node:fs';
import test from 'ava';

interface Stage {
  base: string;
  name?: string;
  instructions: { op: string; args: string }[];
}

function parseDockerfile(path: string): Stage[] {
  const text = readFileSync(path, 'utf8').replace(/\\\n/g, ' ');
  const stages: Stage[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [op, ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (op!.toUpperCase() === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args)!;
      stages.push({ base: m[1]!, ...(m[2] ? { name: m[2] } : {}), instructions: [] });
    } else {
      if (stages.length === 0) throw new Error(`${path}: ${op} before FROM`);
      stages.at(-1)!.instructions.push({ op: op!.toUpperCase(), args });
    }
  }
  return stages;
}

const ignored = readFileSync('.dockerignore', 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

for (const file of ['docker/node.Dockerfile', 'docker/trainer.Dockerfile']) {
  test(`${file}: multi-stage, pinned, non-root, runs the cartridge CLI`, (t) => {
    const stages = parseDockerfile(file);
    t.true(stages.length >= 2, 'multi-stage');
    const names = new Set(stages.map((s) => s.name));
    for (const stage of stages) {
      t.regex(stage.base, /:[\w.-]+$/, `base image ${stage.base} has a tag`);
      t.notRegex(stage.base, /:latest$/, `base image ${stage.base} is pinned`);
      for (const { op, args } of stage.instructions) {
        if (op !== 'COPY') continue;
        const from = /--from=(\S+)/.exec(args)?.[1];
        if (from) {
          t.true(names.has(from), `COPY --from=${from} names an earlier stage`);
          continue;
        }
        const sources = args
          .split(/\s+/)
          .filter((a) => !a.startsWith('--'))
          .slice(0, -1);
        for (const source of sources) {
          t.true(existsSync(source), `${source} exists in the build context`);
          t.false(ignored.includes(source), `${source} is not excluded by .dockerignore`);
        }
      }
    }
    const final = stages.at(-1)!;
    const user = final.instructions.filter((i) => i.op === 'USER').at(-1);
    t.truthy(user, 'final stage sets USER');
    t.regex(user!.args, /^[1-9]\d*(:\d+)?$/, 'numeric non-root uid (runAsNonRoot can verify it)');
    t.true(user!.args.startsWith('10001'), 'same uid as the pods securityContext');
    const entry = final.instructions.find((i) => i.op === 'ENTRYPOINT')!;
    t.deepEqual(JSON.parse(entry.args), ['node', '/app/bin/cartridge.js']);
  });
}

test('the node image builds the addon in the build stage only', (t) => {
  const [build, runtime] = parseDockerfile('docker/node.Dockerfile');
  t.true(build!.instructions.some((i) => i.op === 'RUN' && i.args.includes('cmake-js compile --release')));
  t.false(runtime!.instructions.some((i) => i.op === 'RUN' && /cmake|g\+\+|apt-get install/.test(i.args)));
  t.true(runtime!.instructions.some((i) => i.op === 'COPY' && i.args.includes('cartridge.node')));
});

test('the trainer image is PyTorch with CUDA', (t) => {
  const stages = parseDockerfile('docker/trainer.Dockerfile');
  t.regex(stages.at(-1)!.base, /^pytorch\/pytorch:.*cuda/);
});
