// Training dashboard: polls /api/stats and redraws four Chart.js charts in place
// (loss, win rate per iteration, self-play throughput, ladder Elo) plus a summary,
// model versions and the Elo ladder table.
import { api } from './api.js';

const POLL_MS = 5000;
let timer = null;
const charts = {};

const score = (r) => {
  if (!r) return null;
  const games = r.wins + r.draws + r.losses;
  return games > 0 ? (r.wins + 0.5 * r.draws) / games : null;
};

function chart(id, type, options) {
  if (charts[id]) return charts[id];
  const Chart = window.Chart;
  charts[id] = new Chart(document.getElementById(id), {
    type,
    data: { datasets: [] },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      interaction: { mode: 'nearest', intersect: false },
      plugins: { legend: { position: 'bottom' } },
      ...options,
    },
  });
  return charts[id];
}

const linear = (title, extra = {}) => ({ type: 'linear', title: { display: true, text: title }, ...extra });

function draw(stats) {
  const losses = stats.losses.length
    ? stats.losses
    : stats.iterations
        .filter((r) => typeof r.train_loss === 'number')
        .map((r) => ({
          step: r.iteration,
          loss: r.train_loss,
          policy_loss: r.policy_loss,
          value_loss: r.value_loss,
        }));
  const lossX = stats.losses.length ? 'Training step' : 'Iteration';
  const series = (key) =>
    losses.filter((p) => typeof p[key] === 'number').map((p) => ({ x: p.step, y: p[key] }));
  const loss = chart('chart-loss', 'line', { scales: { x: linear(lossX), y: linear('Loss') } });
  loss.options.scales.x.title.text = lossX;
  loss.data.datasets = [
    {
      label: 'total',
      data: series('loss'),
      borderColor: '#2563eb',
      backgroundColor: '#2563eb',
      pointRadius: 0,
    },
    {
      label: 'policy',
      data: series('policy_loss'),
      borderColor: '#16a34a',
      backgroundColor: '#16a34a',
      pointRadius: 0,
    },
    {
      label: 'value',
      data: series('value_loss'),
      borderColor: '#dc2626',
      backgroundColor: '#dc2626',
      pointRadius: 0,
    },
  ];
  loss.update();

  const its = stats.iterations;
  const win = chart('chart-winrate', 'line', {
    scales: { x: linear('Iteration', { ticks: { precision: 0 } }), y: linear('Score', { min: 0, max: 1 }) },
  });
  win.data.datasets = [
    {
      label: 'vs random',
      data: its
        .filter((r) => score(r.vs_random) !== null)
        .map((r) => ({ x: r.iteration, y: score(r.vs_random) })),
      borderColor: '#9333ea',
      backgroundColor: '#9333ea',
    },
    {
      label: 'vs best',
      data: its
        .filter((r) => r.vs_best)
        .map((r) => ({ x: r.iteration, y: r.vs_best.score ?? score(r.vs_best) })),
      borderColor: '#ea580c',
      backgroundColor: '#ea580c',
    },
  ];
  win.update();

  const tp = chart('chart-throughput', 'bar', {
    scales: { x: linear('Iteration', { ticks: { precision: 0 } }), y: linear('Positions / s', { min: 0 }) },
  });
  tp.data.datasets = [
    {
      label: 'self-play positions/s',
      data: its
        .filter((r) => typeof r.positions_per_s === 'number')
        .map((r) => ({ x: r.iteration, y: r.positions_per_s })),
      backgroundColor: '#0891b2',
    },
  ];
  tp.update();

  const rated = (stats.ladder?.entries ?? []).filter((e) => typeof e.elo === 'number');
  const elo = chart('chart-elo', 'line', {
    scales: { x: linear('Iteration', { ticks: { precision: 0 } }), y: linear('Elo (first model = 0)') },
  });
  elo.data.datasets = [
    {
      label: 'ladder Elo',
      data: rated.map((e) => ({ x: e.iteration, y: e.elo })),
      borderColor: '#ca8a04',
      backgroundColor: '#ca8a04',
    },
  ];
  elo.update();
}

function ladderTable(stats) {
  const entries = stats.ladder?.entries ?? [];
  document.getElementById('no-ladder').hidden = entries.length > 0;
  document.querySelector('#ladder tbody').replaceChildren(
    ...[...entries].reverse().map((e) => {
      const tr = document.createElement('tr');
      for (const v of [
        e.iteration,
        e.modelVersion ?? '—',
        typeof e.elo === 'number' ? e.elo.toFixed(1) : '—',
        e.games,
      ]) {
        const td = document.createElement('td');
        td.textContent = String(v);
        tr.append(td);
      }
      return tr;
    }),
  );
}

function summary(stats) {
  const items = [
    ['Game', stats.envId ?? '—'],
    ['Iteration', stats.iteration ?? '—'],
    ['Phase', stats.phase ?? '—'],
    ['Best model', stats.bestModel ?? '—'],
    ['Trainer step', stats.trainer.step ?? '—'],
    ['Learning rate', stats.trainer.learningRate?.toExponential(2) ?? '—'],
    ['Updated', stats.trainer.updatedAt ?? '—'],
  ];
  const root = document.getElementById('summary');
  root.replaceChildren(
    ...items.map(([k, v]) => {
      const div = document.createElement('div');
      const dt = document.createElement('span');
      dt.className = 'label';
      dt.textContent = k;
      const dd = document.createElement('span');
      dd.className = 'value';
      dd.textContent = String(v);
      div.append(dt, dd);
      return div;
    }),
  );
  const fmt = (r) => (r ? `${r.wins}/${r.draws}/${r.losses}` : '—');
  document.querySelector('#versions tbody').replaceChildren(
    ...[...stats.iterations].reverse().map((r) => {
      const tr = document.createElement('tr');
      for (const v of [
        r.iteration,
        r.model_version ?? '—',
        r.promoted ? 'yes' : 'no',
        fmt(r.vs_random),
        fmt(r.vs_best),
        typeof r.mistake_rate === 'number' ? `${(100 * r.mistake_rate).toFixed(1)} %` : '—',
        r.finished_at ?? '—',
      ]) {
        const td = document.createElement('td');
        td.textContent = String(v);
        tr.append(td);
      }
      return tr;
    }),
  );
  document.getElementById('no-stats').hidden = stats.iterations.length > 0 || stats.losses.length > 0;
}

async function refresh() {
  try {
    const stats = await api('/api/stats');
    summary(stats);
    ladderTable(stats);
    if (window.Chart) draw(stats);
    document.getElementById('training').dataset.updated = String(Date.now());
  } catch {
    // The next poll retries; the last drawn figures stay on screen.
  }
}

export function startDashboard() {
  if (timer) return;
  refresh();
  timer = setInterval(() => {
    if (!document.hidden) refresh();
  }, POLL_MS);
}

export function stopDashboard() {
  clearInterval(timer);
  timer = null;
}
