// End-to-end: the real server (C++ engines, MCTS bot) and the page in headless Chromium.
// Plays a full TicTacToe game by clicking, checks the result message, plays by keyboard,
// and loads the dashboard from a seeded stats file with its charts drawn. Screenshots go
// to test-output/ (git-ignored).
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { type Browser, chromium, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config/index.js';
import { type RunningWebServer, startWebServer } from '../../src/web/index.js';

const SHOTS = join(process.cwd(), 'test-output', 'web');
let browser: Browser;
let server: RunningWebServer;
let dataDir: string;

test.before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cartridge-e2e-'));
  await mkdir(SHOTS, { recursive: true });
  await seedStats(dataDir);
  const { config } = loadConfig({
    cwd: dataDir,
    env: { CARTRIDGE_COMMON_DATA_DIR: dataDir, CARTRIDGE_WEB_BOT_SIMULATIONS: '64' },
  });
  server = await startWebServer(config, { host: '127.0.0.1', port: 0 });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

test.after.always(async () => {
  await browser?.close();
  await server?.close();
});

async function openPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(server.url);
  await page.waitForSelector('#game option[value="tictactoe"]', { state: 'attached' });
  return { page, problems };
}

async function waitForHumanTurnOrEnd(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const status = document.getElementById('status')?.textContent ?? '';
    return status.startsWith('Your turn') || document.getElementById('status')?.classList.contains('result');
  });
}

test('plays a full TicTacToe game against the bot by clicking and sees the result', async (t) => {
  const { page, problems } = await openPage();
  await page.selectOption('#game', 'tictactoe');
  await page.fill('#simulations', '64');
  await page.click('#new-game-button');
  await page.waitForSelector('#board .cell.playable');
  t.regex((await page.textContent('#model-note')) ?? '', /uniform/);
  await page.screenshot({ path: join(SHOTS, 'tictactoe-start.png') });

  let clicks = 0;
  for (; clicks < 5; clicks++) {
    await waitForHumanTurnOrEnd(page);
    if (await page.locator('#status.result').count()) break;
    const before = await page.locator('#moves li').count();
    await page.locator('#board .cell.playable').first().click();
    await page.waitForFunction((n) => document.querySelectorAll('#moves li').length > n, before);
  }
  await page.waitForSelector('#status.result');
  const result = (await page.textContent('#status')) ?? '';
  t.regex(result, /^(You win!|The bot wins\.|Draw\.)$/);
  t.true(clicks >= 3, 'a TicTacToe game needs at least three human moves');
  t.is(await page.locator('#board .cell.playable').count(), 0, 'no moves after the end');
  t.is(await page.locator('#board .cell.last-move').count(), 1, 'the last move is highlighted');
  t.regex((await page.textContent('#evaluation-body')) ?? '', /Win probability/);
  await page.screenshot({ path: join(SHOTS, 'tictactoe-result.png'), fullPage: true });
  t.deepEqual(problems, []);
  await page.close();
});

test('the board is keyboard playable: arrows move focus, Enter plays', async (t) => {
  const { page } = await openPage();
  await page.selectOption('#game', 'tictactoe');
  await page.click('#new-game-button');
  await page.waitForSelector('#board .cell.playable');
  await page.focus('#board [tabindex="0"]');
  const start = await page.evaluate(() => (document.activeElement as HTMLElement).dataset.cell);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  const target = await page.evaluate(() => (document.activeElement as HTMLElement).dataset.cell);
  t.not(target, start);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('#moves li').length >= 2);
  const label = await page.getAttribute(`#board [data-cell="${target}"]`, 'aria-label');
  t.regex(label ?? '', /: X/);
  await page.close();
});

test('every game in the registry gets a board; Connect4 drops, Othello has discs', async (t) => {
  const { page, problems } = await openPage();
  for (const [game, cells] of [
    ['connect4', 42],
    ['othello', 64],
    ['othello6', 36],
  ] as const) {
    await page.selectOption('#game', game);
    await page.fill('#simulations', '16');
    await page.click('#new-game-button');
    await page.waitForFunction((n) => document.querySelectorAll('#board .cell').length === n, cells);
    await page.waitForSelector('#board .cell.playable');
    t.is(await page.locator('#board .cell').count(), cells, game);
    await page.screenshot({ path: join(SHOTS, `${game}-start.png`) });
  }
  // Connect4: clicking any cell of a column drops into that column.
  await page.selectOption('#game', 'connect4');
  await page.click('#new-game-button');
  await page.waitForSelector('#board .cell.playable');
  await page.locator('#board [data-cell="38"]').click(); // top row, column 4
  await page.waitForFunction(() => document.querySelectorAll('#moves li').length >= 2);
  t.regex((await page.getAttribute('#board [data-cell="3"]', 'aria-label')) ?? '', /Red/);
  await page.screenshot({ path: join(SHOTS, 'connect4-played.png') });
  t.deepEqual(problems, []);
  await page.close();
});

test('the dashboard draws charts from the seeded stats', async (t) => {
  const { page, problems } = await openPage();
  await page.click('#tab-training');
  await page.waitForSelector('#training[data-updated]', { state: 'attached' });
  const drawn = await page.evaluate(() => {
    const chart = (
      window as unknown as { Chart: { getChart(id: string): { data: { datasets: { data: unknown[] }[] } } } }
    ).Chart;
    return ['chart-loss', 'chart-winrate', 'chart-throughput'].map((id) => {
      const c = chart.getChart(id);
      const canvas = document.getElementById(id) as HTMLCanvasElement;
      const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) painted++;
      return { points: c?.data.datasets.reduce((n, d) => n + d.data.length, 0) ?? 0, painted };
    });
  });
  for (const chart of drawn) {
    t.true(chart.points > 0, 'the chart has data');
    t.true(chart.painted > 1000, 'the canvas has been drawn on');
  }
  t.regex((await page.textContent('#summary')) ?? '', /Iteration\s*3/);
  t.is(await page.locator('#versions tbody tr').count(), 3);
  await page.screenshot({ path: join(SHOTS, 'dashboard.png'), fullPage: true });
  t.deepEqual(problems, []);
  await page.close();
});

async function seedStats(dir: string): Promise<void> {
  const history = Array.from({ length: 30 }, (_, i) => ({
    step: (i + 1) * 10,
    iteration: Math.floor(i / 10) + 1,
    loss: 2.5 * Math.exp(-i / 12) + 0.4,
    policy_loss: 2.1 * Math.exp(-i / 12) + 0.3,
    value_loss: 0.4 * Math.exp(-i / 10) + 0.1,
    lr: 0.001,
    time: 1_700_000_000 + i,
  }));
  await writeFile(
    join(dir, 'stats.json'),
    JSON.stringify({ env_id: 'tictactoe', iteration: 3, step: 300, history }),
  );
  await writeFile(
    join(dir, 'loop_state.json'),
    JSON.stringify({
      iteration: 3,
      phase: 'selfplay',
      env_id: 'tictactoe',
      best_model: 'model_0003.onnx',
      history: [1, 2, 3].map((iteration) => ({
        iteration,
        episodes: 200,
        positions: 1800,
        positions_per_s: 2000 + iteration * 300,
        train_loss: 2 / iteration,
        policy_loss: 1.7 / iteration,
        value_loss: 0.3 / iteration,
        sims: 64,
        vs_random: { wins: 10 + iteration * 3, draws: 2, losses: 8 - iteration * 2 },
        vs_best: { wins: 6, draws: 8, losses: 6, score: 0.5 + iteration * 0.02 },
        promoted: iteration !== 2,
        model_version: `v${iteration}`,
        finished_at: `2026-01-0${iteration}T12:00:00Z`,
      })),
    }),
  );
}
