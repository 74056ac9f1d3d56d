// Episode → transition rows of the seed's schema (byte columns little-endian), and the reverse decoding.
import type { Episode } from './types.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** One row of `transitions` (seq is assigned by the store). */
export interface TransitionRow {
  id: string;
  envId: string;
  episodeId: string;
  stepNumber: number;
  state: Buffer;
  action: Buffer;
  nextState: Buffer;
  observation: Buffer;
  nextObservation: Buffer;
  reward: number;
  done: boolean;
  timestamp: number;
  policyProbs: Buffer;
  mctsValue: number;
  gameOutcome: number;
  modelVersion: string | null;
  iteration: number | null;
}

export function transitionId(episodeId: string, step: number): string {
  return `${episodeId}:${step}`;
}

/** Little-endian bytes of a float32 slice (a copy: rows outlive the actor's arrays). */
export function float32Bytes(values: Float32Array, start = 0, end = values.length): Buffer {
  const out = Buffer.allocUnsafe((end - start) * 4);
  if (LITTLE_ENDIAN) {
    Buffer.from(values.buffer, values.byteOffset + start * 4, (end - start) * 4).copy(out);
  } else {
    for (let i = start; i < end; i++) out.writeFloatLE(values[i]!, (i - start) * 4);
  }
  return out;
}

export function uint32Bytes(value: number): Buffer {
  const out = Buffer.allocUnsafe(4);
  out.writeUInt32LE(value >>> 0, 0);
  return out;
}

/** Decode a little-endian float32 blob into `target` at `offset` (floats); returns the float count. */
export function readFloat32Into(bytes: Uint8Array, target: Float32Array, offset: number): number {
  const count = bytes.byteLength >>> 2;
  if (LITTLE_ENDIAN) {
    new Uint8Array(target.buffer, target.byteOffset + offset * 4, count * 4).set(
      bytes.subarray(0, count * 4),
    );
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < count; i++) target[offset + i] = view.getFloat32(i * 4, true);
  }
  return count;
}

export function decodeFloat32(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.byteLength >>> 2);
  readFloat32Into(bytes, out, 0);
  return out;
}

function fail(episode: Episode, message: string): never {
  throw new TypeError(`episode ${JSON.stringify(episode.episodeId)}: ${message}`);
}

/** Shape of an episode, checked once: every array must agree on the number of steps. */
export function episodeShape(episode: Episode): { steps: number; obsSize: number; numActions: number } {
  if (typeof episode.envId !== 'string' || episode.envId === '')
    fail(episode, 'envId must be a non-empty string');
  if (typeof episode.episodeId !== 'string' || episode.episodeId === '') {
    throw new TypeError('episodeId must be a non-empty string');
  }
  const steps = episode.actions.length;
  if (steps === 0) fail(episode, 'an episode needs at least one step');
  if (episode.observations.length === 0 || episode.observations.length % steps !== 0) {
    fail(episode, `observations length ${episode.observations.length} is not a multiple of ${steps} steps`);
  }
  if (episode.policies.length === 0 || episode.policies.length % steps !== 0) {
    fail(episode, `policies length ${episode.policies.length} is not a multiple of ${steps} steps`);
  }
  if (episode.rootValues.length !== steps)
    fail(episode, `rootValues has ${episode.rootValues.length} entries, want ${steps}`);
  if (episode.outcomes.length !== steps)
    fail(episode, `outcomes has ${episode.outcomes.length} entries, want ${steps}`);
  if (episode.toMove && episode.toMove.length !== steps) {
    fail(episode, `toMove has ${episode.toMove.length} entries, want ${steps}`);
  }
  if (episode.stateBytes && episode.stateBytes.length !== steps && episode.stateBytes.length !== steps + 1) {
    fail(episode, `stateBytes has ${episode.stateBytes.length} entries, want ${steps} or ${steps + 1}`);
  }
  const obsSize = episode.observations.length / steps;
  if (episode.finalObservation && episode.finalObservation.length !== obsSize) {
    fail(episode, `finalObservation has ${episode.finalObservation.length} floats, want ${obsSize}`);
  }
  return { steps, obsSize, numActions: episode.policies.length / steps };
}

const EMPTY = Buffer.alloc(0);

/** The transition rows of one episode, in step order. */
export function episodeRows(episode: Episode, nowSeconds: number): TransitionRow[] {
  const { steps, obsSize, numActions } = episodeShape(episode);
  const timestamp = episode.timestamp ?? nowSeconds;
  const zeros = Buffer.alloc(obsSize * 4);
  const rows: TransitionRow[] = new Array(steps);
  const states = episode.stateBytes;
  for (let step = 0; step < steps; step++) {
    const last = step === steps - 1;
    const observation = float32Bytes(episode.observations, step * obsSize, (step + 1) * obsSize);
    let nextObservation: Buffer;
    if (!last)
      nextObservation = float32Bytes(episode.observations, (step + 1) * obsSize, (step + 2) * obsSize);
    else nextObservation = episode.finalObservation ? float32Bytes(episode.finalObservation) : zeros;
    const state = states?.[step];
    const nextState = states?.[step + 1];
    rows[step] = {
      id: transitionId(episode.episodeId, step),
      envId: episode.envId,
      episodeId: episode.episodeId,
      stepNumber: step,
      state: state ? Buffer.from(state) : EMPTY,
      action: uint32Bytes(episode.actions[step]!),
      nextState: nextState ? Buffer.from(nextState) : EMPTY,
      observation,
      nextObservation,
      reward: last ? episode.outcomes[step]! : 0,
      done: last,
      timestamp,
      policyProbs: float32Bytes(episode.policies, step * numActions, (step + 1) * numActions),
      mctsValue: episode.rootValues[step]!,
      gameOutcome: episode.outcomes[step]!,
      modelVersion: episode.modelVersion ?? null,
      iteration: episode.iteration ?? null,
    };
  }
  return rows;
}
