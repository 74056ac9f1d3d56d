// How the iteration loop gets work done. The loop (loop.ts) is the same for every backend;
// a backend only knows how to run actors and a training job somewhere: worker threads and a
// child process on this machine (local.ts), or Deployments and Jobs on Kubernetes (src/k8s).

export interface SelfPlayRequest {
  iteration: number;
  simulations: number;
  /** Model the actors should use: a path, or undefined for the uniform bootstrap model. */
  modelPath: string | undefined;
  /** Episodes still wanted this iteration; 0 = keep going until stopSelfPlay (continuous mode). */
  episodes: number;
}

export interface TrainRequest {
  iteration: number;
  /** Optimiser steps to run in this job. */
  steps: number;
}

export interface TrainResult {
  /** The published candidate model (latest.onnx of this job). */
  modelPath: string;
  /** Global optimiser step after the job. */
  step: number;
  loss?: number;
  policyLoss?: number;
  valueLoss?: number;
}

export interface ExecutionBackend {
  readonly name: string;
  /** Starts (or re-targets) self-play; returns once actors are running. */
  startSelfPlay(request: SelfPlayRequest): Promise<void>;
  /** Why self-play died, if it did (checked while waiting for episodes, so the loop fails instead of waiting forever). */
  selfPlayFailure?(): Error | undefined;
  /** Stops self-play; completed episodes are written, unfinished ones discarded. */
  stopSelfPlay(): Promise<void>;
  /** Runs one training job to completion (retrying per the backend's policy) and returns what it published. */
  train(request: TrainRequest): Promise<TrainResult>;
  close(): Promise<void>;
}
