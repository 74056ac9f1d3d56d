// Finds a Python interpreter that can import torch. The `python3` first on PATH is not
// always the one with torch (e.g. a pyenv build next to Debian's python3-torch).
import { spawnSync } from 'node:child_process';

export class TrainerPythonError extends Error {
  override name = 'TrainerPythonError';
}

const checked = new Map<string, boolean>();

function hasTorch(python: string): boolean {
  let ok = checked.get(python);
  if (ok === undefined) {
    ok = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 }).status === 0;
    checked.set(python, ok);
  }
  return ok;
}

/**
 * The interpreter to run the trainer with: `explicit` (trainer.python) when given — it must
 * import torch — else the first of $CARTRIDGE_PYTHON, /usr/bin/python3, python3 that does.
 */
export function findTorchPython(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) {
    if (hasTorch(explicit)) return explicit;
    throw new TrainerPythonError(`trainer.python = ${explicit} cannot import torch`);
  }
  const candidates = [env.CARTRIDGE_PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => !!p);
  const found = candidates.find(hasTorch);
  if (!found) {
    throw new TrainerPythonError(
      `no Python with torch found (tried ${candidates.join(', ')}); install python3-torch ` +
        '(Debian) or PyTorch, or set CARTRIDGE_PYTHON / trainer.python',
    );
  }
  return found;
}
