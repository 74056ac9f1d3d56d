// The page: game picker and board against the bot, and the training dashboard tab.
import { ApiError, api } from './api.js';
import { playerName, renderBoard } from './board.js';
import { startDashboard, stopDashboard } from './dashboard.js';

const $ = (id) => document.getElementById(id);
const els = {
  form: $('new-game'),
  game: $('game'),
  simulations: $('simulations'),
  status: $('status'),
  board: $('board'),
  pass: $('pass'),
  analyse: $('analyse'),
  error: $('error'),
  note: $('model-note'),
  evaluation: $('evaluation-body'),
  moves: $('moves'),
};

let state = null;
let busy = false;
let analysis = null;
let catalog = null;

function showError(message) {
  els.error.textContent = message;
  els.error.hidden = !message;
}

function setBusy(value, message) {
  busy = value;
  els.board.setAttribute('aria-busy', String(value));
  if (message) els.status.textContent = message;
  render();
}

function statusText(s) {
  if (s.result) return s.result.message;
  const you = playerName(s.game, s.humanPlayer);
  if (s.status === 'your_turn') {
    const onlyPass = s.legalMoves.length === 1 && s.legalMoves[0].action === s.game.passAction;
    return onlyPass ? `Your turn (${you}): no move available, you must pass.` : `Your turn (${you}).`;
  }
  return 'The bot is thinking…';
}

function render() {
  if (!state) return;
  const shares = analysis ? new Map(analysis.moves.map((m) => [m.action, m.share])) : undefined;
  renderBoard(els.board, busy ? { ...state, legalMoves: [] } : state, { onMove: play, shares });
  if (!busy) els.status.textContent = statusText(state);
  els.status.classList.toggle('result', Boolean(state.result));
  els.status.classList.toggle('lost', state.result?.outcome === 'bot');
  const canPass =
    !busy &&
    state.game.passAction !== null &&
    state.legalMoves.some((m) => m.action === state.game.passAction);
  els.pass.hidden = !canPass;
  els.analyse.disabled = busy || state.status === 'over';
  els.note.hidden = false;
  els.note.textContent = state.model.uniform
    ? 'No trained model for this game yet: the bot searches with a uniform (untrained) network.'
    : `The bot plays model ${state.model.version}.`;
  els.note.classList.toggle('warning', state.model.uniform);
  renderEvaluation(
    analysis ?? state.bot,
    analysis ? 'Analysis of this position' : 'When choosing its last move',
  );
  els.moves.replaceChildren(
    ...state.moves.map((m) => {
      const li = document.createElement('li');
      const who = m.player === state.humanPlayer ? 'You' : 'Bot';
      li.textContent = `${who}: ${m.move}`;
      return li;
    }),
  );
}

function renderEvaluation(e, title) {
  if (!e) {
    els.evaluation.innerHTML = '<p class="muted">The bot has not moved yet.</p>';
    return;
  }
  const side = e.player === state.humanPlayer ? 'your' : "the bot's";
  const pct = Math.round(e.winProbability * 100);
  const heading = document.createElement('p');
  heading.className = 'muted';
  heading.textContent = `${title} (${e.simulations} simulations, ${e.thinkMs} ms):`;
  const win = document.createElement('p');
  win.className = 'win-probability';
  win.textContent = `Win probability (${side} side): ${pct}%`;
  const meter = document.createElement('meter');
  meter.min = 0;
  meter.max = 100;
  meter.value = pct;
  meter.setAttribute('aria-label', `${side} win probability`);
  const list = document.createElement('ol');
  list.className = 'preferences';
  for (const m of e.moves.slice(0, 6)) {
    const li = document.createElement('li');
    const bar = document.createElement('span');
    bar.className = 'bar';
    bar.style.width = `${Math.max(2, Math.round(m.share * 100))}%`;
    const text = document.createElement('span');
    text.textContent = `${m.move}: ${Math.round(m.share * 100)}% (${m.visits} visits)`;
    li.append(text, bar);
    list.append(li);
  }
  els.evaluation.replaceChildren(heading, win, meter, list);
}

async function play(action) {
  if (!state || busy) return;
  showError('');
  analysis = null;
  // Show the human's stone at once, then wait for the bot's reply.
  const preview = structuredClone(state);
  if (state.game.layout !== 'drop' && action < preview.board.cells.length)
    preview.board.cells[action] = state.humanPlayer;
  state = preview;
  setBusy(true, 'The bot is thinking…');
  try {
    state = await api(`/api/game/${state.id}/move`, { method: 'POST', body: { move: action } });
  } catch (error) {
    showError(error.message);
    if (error instanceof ApiError && error.status === 404) state = null;
    else state = await api(`/api/game/${preview.id}`).catch(() => state);
  } finally {
    setBusy(false);
  }
  if (state?.result) els.status.focus();
}

async function newGame(event) {
  event?.preventDefault();
  showError('');
  analysis = null;
  const body = {
    game: els.game.value,
    humanFirst: els.form.elements.first.value === 'human',
    simulations: Number(els.simulations.value),
  };
  els.status.textContent = body.humanFirst ? 'Starting…' : 'The bot is thinking…';
  try {
    state = await api('/api/game/new', { method: 'POST', body });
    history.replaceState(null, '', `#game=${state.id}`);
    render();
    els.board.querySelector('[tabindex="0"]')?.focus();
  } catch (error) {
    showError(error.message);
  }
}

async function analyse() {
  if (!state || busy) return;
  showError('');
  setBusy(true, 'Analysing…');
  try {
    analysis = await api(`/api/game/${state.id}/analysis`);
  } catch (error) {
    showError(error.message);
  } finally {
    setBusy(false);
  }
}

function selectTab(name) {
  for (const tab of ['play', 'training']) {
    const selected = tab === name;
    $(`tab-${tab}`).setAttribute('aria-selected', String(selected));
    $(`tab-${tab}`).tabIndex = selected ? 0 : -1;
    $(tab).hidden = !selected;
  }
  if (name === 'training') startDashboard();
  else stopDashboard();
}

async function init() {
  els.status.tabIndex = -1;
  for (const tab of ['play', 'training']) $(`tab-${tab}`).addEventListener('click', () => selectTab(tab));
  document.querySelector('[role="tablist"]').addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    const next = $('tab-play').getAttribute('aria-selected') === 'true' ? 'training' : 'play';
    selectTab(next);
    $(`tab-${next}`).focus();
  });
  els.form.addEventListener('submit', newGame);
  els.pass.addEventListener('click', () => play(state.game.passAction));
  els.analyse.addEventListener('click', analyse);

  catalog = await api('/api/games');
  for (const g of catalog.games) {
    const option = document.createElement('option');
    option.value = g.envId;
    option.textContent = g.displayName;
    els.game.append(option);
  }
  if (catalog.trainedGame) els.game.value = catalog.trainedGame;
  els.simulations.value = String(catalog.defaultSimulations);
  els.simulations.max = String(catalog.maxSimulations);

  const resume = /#game=([\w-]+)/.exec(location.hash);
  if (resume) {
    state = await api(`/api/game/${resume[1]}`).catch(() => null);
    if (state) {
      els.game.value = state.game.envId;
      render();
    }
  }
  if (location.hash === '#training') selectTab('training');
}

init().catch((error) => showError(`Cannot reach the server: ${error.message}`));
