// Draws a game board from the API's state: grid games (a move names a cell) and
// drop-column games (a move names a column). Cells are buttons with a roving tabindex:
// Tab reaches the board, arrow keys move between cells, Enter or Space plays.

/** How stones look, from the game's shape: drop games and games with a pass use discs. */
function pieceStyle(game) {
  if (game.layout === 'drop')
    return { kind: 'disc', names: ['Red', 'Yellow'], classes: ['p0-red', 'p1-yellow'] };
  if (game.passAction !== null)
    return { kind: 'disc', names: ['Black', 'White'], classes: ['p0-black', 'p1-white'] };
  return { kind: 'mark', names: ['X', 'O'], classes: ['p0-x', 'p1-o'], marks: ['X', 'O'] };
}

export function playerName(game, player) {
  return pieceStyle(game).names[player];
}

function cellLabel(game, row, col) {
  // Row 0 is the bottom rank (a1 at the bottom left), as in the move notation.
  if (game.layout === 'drop') return `column ${col + 1}, row ${row + 1}`;
  return `${String.fromCharCode(97 + col)}${row + 1}`;
}

/**
 * @param {HTMLElement} root
 * @param {object} state   GET /api/game/:id response
 * @param {{onMove: (action:number)=>void, shares?: Map<number, number>}} options
 */
export function renderBoard(root, state, { onMove, shares } = {}) {
  const { game, board } = state;
  const style = pieceStyle(game);
  const legal = new Map(state.legalMoves.map((m) => [m.action, m.move]));
  const last = state.lastMove?.action;
  const previouslyFocused = root.contains(document.activeElement)
    ? document.activeElement.dataset.cell
    : undefined;

  root.replaceChildren();
  root.style.setProperty('--cols', String(board.width));
  root.className = `board board-${game.layout} board-${style.kind}`;
  root.setAttribute('role', 'grid');
  root.setAttribute('aria-label', `${game.displayName} board`);
  const cells = [];
  for (let row = board.height - 1; row >= 0; row--) {
    const rowEl = document.createElement('div');
    rowEl.setAttribute('role', 'row');
    rowEl.className = 'board-row';
    for (let col = 0; col < board.width; col++) {
      const cell = row * board.width + col;
      const action = game.layout === 'drop' ? col : cell;
      const owner = board.cells[cell];
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'cell';
      button.dataset.cell = String(cell);
      button.dataset.action = String(action);
      button.setAttribute('role', 'gridcell');
      button.tabIndex = -1;
      const playable = legal.has(action) && owner === -1;
      // In a drop game every cell of a playable column plays that column.
      const canPlay = game.layout === 'drop' ? legal.has(action) : playable;
      let label = `${cellLabel(game, row, col)}: ${owner === -1 ? 'empty' : style.names[owner]}`;
      if (owner !== -1) {
        const piece = document.createElement('span');
        piece.className = `piece ${style.classes[owner]}`;
        if (style.kind === 'mark') piece.textContent = style.marks[owner];
        piece.setAttribute('aria-hidden', 'true');
        button.append(piece);
      }
      const lastHere =
        last !== undefined && (game.layout === 'drop' ? isTopOfColumn(board, cell, last) : last === cell);
      if (lastHere) {
        button.classList.add('last-move');
        label += ', last move';
      }
      const share = shares?.get(action);
      if (share !== undefined && owner === -1 && (game.layout !== 'drop' || isDropTarget(board, cell))) {
        const hint = document.createElement('span');
        hint.className = 'share';
        hint.textContent = `${Math.round(share * 100)}%`;
        button.append(hint);
        label += `, bot preference ${Math.round(share * 100)}%`;
      }
      if (canPlay) {
        button.classList.add('playable');
        label += game.layout === 'drop' ? `, play column ${col + 1}` : ', play here';
        button.addEventListener('click', () => onMove?.(action));
      } else {
        button.setAttribute('aria-disabled', 'true');
      }
      button.setAttribute('aria-label', label);
      rowEl.append(button);
      cells.push(button);
    }
    root.append(rowEl);
  }

  // Roving tabindex: one cell is in the tab order; arrows move it.
  const focusable =
    cells.find((c) => c.dataset.cell === previouslyFocused) ??
    cells.find((c) => c.classList.contains('playable')) ??
    cells[0];
  if (focusable) focusable.tabIndex = 0;
  root.onkeydown = (event) => {
    const index = cells.indexOf(document.activeElement);
    if (index < 0) return;
    const moves = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -board.width, ArrowDown: board.width };
    let next = moves[event.key] === undefined ? undefined : index + moves[event.key];
    if (event.key === 'Home') next = index - (index % board.width);
    if (event.key === 'End') next = index - (index % board.width) + board.width - 1;
    if (next === undefined || next < 0 || next >= cells.length) return;
    if (
      Math.abs(moves[event.key] ?? 0) === 1 &&
      Math.floor(next / board.width) !== Math.floor(index / board.width)
    )
      return;
    event.preventDefault();
    cells[index].tabIndex = -1;
    cells[next].tabIndex = 0;
    cells[next].focus();
  };
  if (previouslyFocused !== undefined) focusable?.focus();
}

/** In a drop game the last move is the top stone of the column that was played. */
function isTopOfColumn(board, cell, column) {
  const col = cell % board.width;
  if (col !== column) return false;
  const row = Math.floor(cell / board.width);
  if (board.cells[cell] === -1) return false;
  return row === board.height - 1 || board.cells[cell + board.width] === -1;
}

/** The lowest empty cell of its column: where a drop would land. */
function isDropTarget(board, cell) {
  const row = Math.floor(cell / board.width);
  return board.cells[cell] === -1 && (row === 0 || board.cells[cell - board.width] !== -1);
}
