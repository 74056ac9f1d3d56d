// Loads the C++ addon once. Each concern (games, search, solver) describes the
// slice of the addon it uses with its own typed interface and casts this object.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

/** Where the addon was built: `release` (default) or `debug` (ASan + UBSan build). */
export type NativeBuild = 'release' | 'debug';

/** The addon file to load: $CARTRIDGE_ADDON if set, else the release or debug build. */
export function addonPath(build: NativeBuild = nativeBuildFromEnv()): string {
  if (process.env.CARTRIDGE_ADDON) return process.env.CARTRIDGE_ADDON;
  return build === 'debug'
    ? join(packageRoot, 'build-debug', 'Debug', 'cartridge.node')
    : join(packageRoot, 'build', 'Release', 'cartridge.node');
}

function nativeBuildFromEnv(): NativeBuild {
  const value = process.env.CARTRIDGE_NATIVE_BUILD ?? 'release';
  if (value !== 'release' && value !== 'debug') {
    throw new Error(`CARTRIDGE_NATIVE_BUILD must be "release" or "debug", got "${value}"`);
  }
  return value;
}

let cached: Record<string, unknown> | undefined;

export function loadAddon(): Record<string, unknown> {
  if (cached) return cached;
  const path = addonPath();
  if (!existsSync(path)) {
    throw new Error(
      `The native addon is not built (${path} is missing). Run "npm run build:native"` +
        (path.includes('build-debug') ? ':debug' : '') +
        ' (needs cmake and a C++20 compiler).',
    );
  }
  cached = require(path) as Record<string, unknown>;
  return cached;
}

export interface BuildInfo {
  version: string;
  buildType: string;
  compiler: string;
  sanitized: boolean;
  cxxStandard: number;
  napiVersion: number;
}

export function buildInfo(): BuildInfo {
  return (loadAddon().buildInfo as () => BuildInfo)();
}
