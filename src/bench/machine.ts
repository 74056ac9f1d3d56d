// What a result was measured on: figures mean nothing without the CPU, the core count and
// the versions of the libraries doing the work.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import type { GitInfo, MachineInfo, VersionInfo } from './types.js';

const require = createRequire(import.meta.url);

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()}`,
    arch: os.arch(),
    hostname: os.hostname(),
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

function packageVersion(name: string): string | null {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return null;
  }
}

/** The interpreter the trainer runs on: $CARTRIDGE_PYTHON, else the first python3 that imports torch. */
export function findTorchPython(): string | null {
  const candidates = [process.env.CARTRIDGE_PYTHON, '/usr/bin/python3', 'python3'].filter(
    Boolean,
  ) as string[];
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    if (probe.status === 0) return python;
  }
  return null;
}

function torchVersion(): string | null {
  const python = findTorchPython();
  if (!python) return null;
  const out = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return out.status === 0 ? out.stdout.trim() : null;
}

async function addonVersion(): Promise<string | null> {
  try {
    const { buildInfo } = await import('../native/index.js');
    const info = buildInfo();
    return `${info.version} (${info.buildType}, ${info.compiler}${info.sanitized ? ', sanitized' : ''})`;
  } catch {
    return null;
  }
}

export async function versionInfo(): Promise<VersionInfo> {
  return {
    node: process.version,
    onnxruntime: packageVersion('onnxruntime-node'),
    torch: torchVersion(),
    addon: await addonVersion(),
  };
}

export function gitInfo(cwd = process.cwd()): GitInfo {
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8' });
  if (head.status !== 0) return { commit: null, dirty: null };
  // Only tracked files count: untracked scratch files do not change what was measured.
  const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], {
    cwd,
    encoding: 'utf8',
  });
  return {
    commit: head.stdout.trim(),
    dirty: status.status === 0 ? status.stdout.trim().length > 0 : null,
  };
}
