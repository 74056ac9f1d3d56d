// A policy/value network behind one small interface: fill a batch of observations,
// get logits and values back. Backed by ONNX Runtime, or uniform before any model exists.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';

export interface NetworkOutput {
  /** [count * numActions] raw logits (the search applies the legal mask). */
  policyLogits: Float32Array;
  /** [count] values in [-1, 1] from the side to move. */
  values: Float32Array;
}

export interface PolicyValueModel {
  /** Identifies the weights: file name plus content hash, or "uniform". */
  readonly version: string;
  readonly obsSize: number;
  readonly numActions: number;
  /** Evaluates the first `count` observations of `observations` ([count * obsSize] used). */
  evaluate(observations: Float32Array, count: number): Promise<NetworkOutput>;
  release(): Promise<void>;
}

export interface ModelShape {
  obsSize: number;
  numActions: number;
}

export interface SessionOptions {
  intraOpThreads?: number;
  executionProvider?: 'cpu' | 'cuda';
}

export class ModelContractError extends Error {
  override name = 'ModelContractError';
}

export const INPUT_NAME = 'observation';
export const POLICY_OUTPUT = 'policy_logits';
export const VALUE_OUTPUT = 'value';

/** Zero logits and zero values: the bootstrap "network" of the first iteration. */
export class UniformModel implements PolicyValueModel {
  readonly version = 'uniform';
  constructor(
    readonly obsSize: number,
    readonly numActions: number,
  ) {}

  async evaluate(_observations: Float32Array, count: number): Promise<NetworkOutput> {
    return { policyLogits: new Float32Array(count * this.numActions), values: new Float32Array(count) };
  }

  async release(): Promise<void> {}
}

/**
 * Version label of model bytes: the first 12 hex digits of their SHA-256, so best.onnx and the
 * latest.onnx it was copied from carry the same version.
 */
export function modelVersionOf(path: string, bytes: Uint8Array = readFileSync(path)): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}`;
}

export class OnnxModel implements PolicyValueModel {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly version: string,
    readonly obsSize: number,
    readonly numActions: number,
    /** The model file's bytes, so another thread can open the same weights without re-reading the file. */
    readonly bytes: Uint8Array,
  ) {}

  /** Loads a model file (read once, so a concurrent rename cannot mix two files) and checks its contract. */
  static async load(path: string, shape: ModelShape, options: SessionOptions = {}): Promise<OnnxModel> {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      throw new ModelContractError(`cannot read model ${path}: ${(error as Error).message}`);
    }
    return OnnxModel.fromBytes(bytes, modelVersionOf(path, bytes), shape, options, path);
  }

  static async fromBytes(
    bytes: Uint8Array,
    version: string,
    shape: ModelShape,
    options: SessionOptions = {},
    label = version,
  ): Promise<OnnxModel> {
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, {
        intraOpNumThreads: options.intraOpThreads ?? 1,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        executionProviders: [options.executionProvider ?? 'cpu'],
        logSeverityLevel: 3,
      });
    } catch (error) {
      throw new ModelContractError(
        `${label} is not a loadable ONNX model: ${(error as Error).message.split('\n')[0]}`,
      );
    }
    const model = new OnnxModel(session, version, shape.obsSize, shape.numActions, bytes);
    try {
      await model.checkContract(label);
    } catch (error) {
      await session.release();
      throw error;
    }
    return model;
  }

  async evaluate(observations: Float32Array, count: number): Promise<NetworkOutput> {
    const input = new ort.Tensor('float32', observations.subarray(0, count * this.obsSize), [
      count,
      this.obsSize,
    ]);
    const out = await this.session.run({ [INPUT_NAME]: input });
    return {
      policyLogits: out[POLICY_OUTPUT]!.data as Float32Array,
      values: out[VALUE_OUTPUT]!.data as Float32Array,
    };
  }

  async release(): Promise<void> {
    await this.session.release();
  }

  /** Names, then a real run on a batch of 2 to check the output shapes (symbolic dims cannot be trusted). */
  private async checkContract(label: string): Promise<void> {
    const { inputNames, outputNames } = this.session;
    if (inputNames.length !== 1 || inputNames[0] !== INPUT_NAME) {
      throw new ModelContractError(
        `${label}: expected one input "${INPUT_NAME}", found [${inputNames.join(', ')}]`,
      );
    }
    for (const name of [POLICY_OUTPUT, VALUE_OUTPUT]) {
      if (!outputNames.includes(name)) {
        throw new ModelContractError(
          `${label}: missing output "${name}" (outputs: [${outputNames.join(', ')}])`,
        );
      }
    }
    const batch = 2;
    let out: ort.InferenceSession.ReturnType;
    try {
      const probe = new ort.Tensor('float32', new Float32Array(batch * this.obsSize), [batch, this.obsSize]);
      out = await this.session.run({ [INPUT_NAME]: probe });
    } catch (error) {
      throw new ModelContractError(
        `${label}: does not accept observation [batch, ${this.obsSize}]: ${(error as Error).message.split('\n')[0]}`,
      );
    }
    const policy = out[POLICY_OUTPUT] as ort.Tensor;
    const value = out[VALUE_OUTPUT] as ort.Tensor;
    if (policy.type !== 'float32' || policy.dims.join() !== `${batch},${this.numActions}`) {
      throw new ModelContractError(
        `${label}: policy_logits must be float32 [batch, ${this.numActions}], got ${policy.type} [${policy.dims.join(', ')}]`,
      );
    }
    if (value.type !== 'float32' || value.dims.join() !== `${batch},1`) {
      throw new ModelContractError(
        `${label}: value must be float32 [batch, 1], got ${value.type} [${value.dims.join(', ')}]`,
      );
    }
  }
}
