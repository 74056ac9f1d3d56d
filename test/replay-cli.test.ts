import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { openReplayStore, syntheticEpisode } from '../src/replay/index.js';
import { createPgDatabase } from './helpers/replay-backends.js';

const run = promisify(execFile);
const BIN = new URL('../bin/cartridge.js', import.meta.url).pathname;

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
      cwd: tmpdir(),
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('db migrate / stats --json / prune on SQLite', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cartridge-db-cli-'));
  try {
    const missing = await cli(['db', 'stats', '--data-dir', dir]);
    t.is(missing.code, 2);
    t.regex(missing.stderr, /no replay database at .*replay\.db/);
    const migrated = await cli(['db', 'migrate', '--data-dir', dir, '--json']);
    t.is(migrated.code, 0, migrated.stderr);
    t.deepEqual(JSON.parse(migrated.stdout), { location: join(dir, 'replay.db'), schemaVersion: 2 });
    const store = openReplayStore({ backend: 'sqlite', path: join(dir, 'replay.db') });
    await store.writeEpisodes(
      [0, 1, 2].map((i) => syntheticEpisode({ episodeId: `e${i}`, steps: 4, timestamp: 100 + i })),
    );
    await store.close();
    const stats = await cli(['db', 'stats', '--json'], { CARTRIDGE_COMMON_DATA_DIR: dir });
    t.is(stats.code, 0, stats.stderr);
    const parsed = JSON.parse(stats.stdout);
    t.is(parsed.backend, 'sqlite');
    t.is(parsed.rows, 12);
    t.is(parsed.episodes, 3);
    t.deepEqual(parsed.perEnv, [{ envId: 'tictactoe', rows: 12, episodes: 3, oldest: 100, newest: 102 }]);
    const pruned = await cli(['db', 'prune', '--keep', '5', '--data-dir', dir, '--json']);
    t.is(pruned.code, 0, pruned.stderr);
    // Whole episodes only: e1 straddles the 5th-newest row, so it stays with e2 (8 rows).
    t.like(JSON.parse(pruned.stdout), { kept: 5, deleted: 4, remaining: 8 });
    const bad = await cli(['db', 'prune', '--keep', '-1', '--data-dir', dir]);
    t.is(bad.code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('db migrate / stats --json on PostgreSQL, password never printed', async (t) => {
  const database = await createPgDatabase();
  try {
    const url = database.url.replace('postgres@', 'postgres:not-a-secret@');
    const migrated = await cli(['db', 'migrate', '--backend', 'postgres', '--url', url]);
    t.is(migrated.code, 0, migrated.stderr);
    t.false(migrated.stdout.includes('not-a-secret'));
    const stats = await cli(['db', 'stats', '--json'], {
      CARTRIDGE_REPLAY_BACKEND: 'postgres',
      CARTRIDGE_REPLAY_URL: url,
    });
    t.is(stats.code, 0, stats.stderr);
    const parsed = JSON.parse(stats.stdout);
    t.like(parsed, { backend: 'postgres', rows: 0, schemaVersion: 2 });
    t.false(stats.stdout.includes('not-a-secret'));
    const down = await cli([
      'db',
      'stats',
      '--backend',
      'postgres',
      '--url',
      'postgres://u:pw-x@127.0.0.1:1/db',
    ]);
    t.is(down.code, 1);
    t.regex(down.stderr, /failed after \d+ attempts/);
    t.false(down.stderr.includes('pw-x'));
  } finally {
    await database.drop();
  }
});
