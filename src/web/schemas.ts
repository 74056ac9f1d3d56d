// JSON schemas of every route: fastify validates requests with them (no type coercion,
// no unknown fields) and serialises responses through them; /api/openapi.json is built
// from the same objects, so the description cannot drift from the server.
const errorBody = {
  type: 'object',
  required: ['error', 'code', 'message'],
  properties: {
    error: { type: 'string', description: 'HTTP status text' },
    code: { type: 'string', description: 'stable machine-readable error code' },
    message: { type: 'string', description: 'what went wrong, for people' },
  },
} as const;

export const sessionId = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } },
} as const;

const gameMeta = {
  type: 'object',
  required: ['envId', 'displayName', 'boardWidth', 'boardHeight', 'numActions', 'obsSize', 'playerCount'],
  properties: {
    envId: { type: 'string' },
    displayName: { type: 'string' },
    boardWidth: { type: 'integer' },
    boardHeight: { type: 'integer' },
    numActions: { type: 'integer' },
    obsSize: { type: 'integer' },
    legalMaskOffset: { type: 'integer' },
    playerCount: { type: 'integer' },
    layout: { type: 'string', enum: ['grid', 'drop'], description: 'drop: moves name a column' },
    passAction: { type: ['integer', 'null'], description: 'the pass action, when the game has one' },
  },
} as const;

const moveRecord = {
  type: 'object',
  required: ['player', 'action', 'move'],
  properties: { player: { type: 'integer' }, action: { type: 'integer' }, move: { type: 'string' } },
} as const;

const modelInUse = {
  type: 'object',
  required: ['version', 'uniform'],
  properties: {
    version: { type: 'string' },
    uniform: {
      type: 'boolean',
      description: 'true before a trained model exists: the bot searches with a uniform prior',
    },
  },
} as const;

const moveStat = {
  type: 'object',
  required: ['action', 'move', 'visits', 'share'],
  properties: {
    action: { type: 'integer' },
    move: { type: 'string' },
    visits: { type: 'integer' },
    share: { type: 'number', description: 'fraction of all visits' },
  },
} as const;

const evaluation = {
  type: 'object',
  required: ['player', 'value', 'winProbability', 'moves', 'model'],
  properties: {
    player: {
      type: 'integer',
      description: 'the side the evaluation is for (the side to move in the searched position)',
    },
    value: { type: 'number', description: 'expected outcome in [-1, 1] for that side' },
    winProbability: { type: 'number', description: '(value + 1) / 2' },
    moves: { type: 'array', items: moveStat, description: 'visited moves, most visited first' },
    simulations: { type: 'integer' },
    model: { type: 'string' },
    thinkMs: { type: 'number' },
  },
} as const;

export const gameState = {
  type: 'object',
  required: ['id', 'game', 'board', 'toMove', 'humanPlayer', 'status', 'legalMoves', 'moves', 'model'],
  properties: {
    id: { type: 'string' },
    game: gameMeta,
    simulations: { type: 'integer' },
    board: {
      type: 'object',
      required: ['width', 'height', 'cells'],
      properties: {
        width: { type: 'integer' },
        height: { type: 'integer' },
        cells: {
          type: 'array',
          items: { type: 'integer' },
          description: 'row * width + col; -1 empty, else player',
        },
      },
    },
    toMove: { type: 'integer' },
    humanPlayer: { type: 'integer' },
    status: { type: 'string', enum: ['your_turn', 'bot_turn', 'over'] },
    legalMoves: {
      type: 'array',
      items: { type: 'object', properties: { action: { type: 'integer' }, move: { type: 'string' } } },
      description: "the human's legal moves (empty unless it is their turn)",
    },
    lastMove: { anyOf: [moveRecord, { type: 'null' }] },
    moves: { type: 'array', items: moveRecord },
    result: {
      anyOf: [
        {
          type: 'object',
          required: ['winner', 'outcome', 'message'],
          properties: {
            winner: { type: ['integer', 'null'] },
            outcome: { type: 'string', enum: ['human', 'bot', 'draw'] },
            message: { type: 'string' },
          },
        },
        { type: 'null' },
      ],
    },
    bot: {
      anyOf: [evaluation, { type: 'null' }],
      description: "the bot's evaluation when it chose its last move",
    },
    model: modelInUse,
  },
} as const;

const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((code) => [code, { ...errorBody, description: 'error' }]));

export const routeSchemas = {
  health: {
    summary: 'Liveness',
    response: {
      200: {
        type: 'object',
        properties: {
          status: { type: 'string' },
          uptimeSeconds: { type: 'number' },
          sessions: { type: 'integer' },
        },
      },
    },
  },
  games: {
    summary: 'Games in the registry, with metadata',
    response: {
      200: {
        type: 'object',
        properties: {
          games: { type: 'array', items: gameMeta },
          defaultSimulations: { type: 'integer' },
          maxSimulations: { type: 'integer' },
          trainedGame: { type: 'string' },
        },
      },
    },
  },
  newGame: {
    summary: 'Start a game against the bot (the bot moves at once when it goes first)',
    body: {
      type: 'object',
      required: ['game'],
      additionalProperties: false,
      properties: {
        game: { type: 'string', minLength: 1, maxLength: 64, description: 'env_id, e.g. tictactoe' },
        humanFirst: { type: 'boolean', default: true },
        simulations: { type: 'integer', minimum: 1, description: 'bot strength: MCTS simulations per move' },
      },
    },
    response: { 201: gameState, ...errors(400, 404, 413, 415, 503) },
  },
  getGame: {
    summary: 'The current position of a game',
    params: sessionId,
    response: { 200: gameState, ...errors(400, 404) },
  },
  move: {
    summary: "Play a move; returns the position after the bot's reply",
    params: sessionId,
    body: {
      type: 'object',
      required: ['move'],
      additionalProperties: false,
      properties: {
        move: {
          type: ['integer', 'string'],
          minimum: 0,
          maxLength: 16,
          description: 'an action index, or move text in the game notation (e.g. "b2", "d3", "4", "pass")',
        },
      },
    },
    response: { 200: gameState, ...errors(400, 404, 409, 413, 415, 422) },
  },
  analysis: {
    summary: "The bot's search of the current position: visit counts, value, win probability",
    params: sessionId,
    response: { 200: evaluation, ...errors(400, 404, 409) },
  },
  deleteGame: {
    summary: 'End a session',
    params: sessionId,
    response: { 204: { type: 'null' }, ...errors(400, 404) },
  },
  stats: {
    summary: 'Training statistics: iteration, losses, evaluations, throughput, model versions',
    response: {
      200: {
        type: 'object',
        properties: {
          envId: { type: ['string', 'null'] },
          iteration: { type: ['integer', 'null'] },
          phase: { type: ['string', 'null'] },
          bestModel: { type: ['string', 'null'] },
          iterations: { type: 'array', items: { type: 'object', additionalProperties: true } },
          losses: { type: 'array', items: { type: 'object', additionalProperties: true } },
          ladder: { type: 'object', additionalProperties: true },
          trainer: { type: 'object', additionalProperties: true },
        },
      },
    },
  },
} as const;
