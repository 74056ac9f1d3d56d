// The one schema of Cartridge's configuration. Sections and keys mirror defaults.toml;
// every section is strict so a misspelt key is reported instead of silently ignored.
import { z } from 'zod';
import { gameIds, isGameId } from '../games/metadata.js';

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
const port = z.number().int().min(0).max(65535);
const unit = z.number().min(0).max(1);

export const configSchema = z
  .object({
    common: z
      .object({
        data_dir: z.string().min(1),
        env_id: z.string().refine(isGameId, { message: `unknown game (known: ${gameIds().join(', ')})` }),
        seed: nonNegativeInt,
      })
      .strict(),
    logging: z
      .object({
        level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']),
        format: z.enum(['pretty', 'json']),
      })
      .strict(),
    training: z
      .object({
        mode: z.enum(['synchronous', 'continuous']),
        iterations: positiveInt,
        episodes_per_iteration: positiveInt,
        steps_per_iteration: positiveInt,
        batch_size: positiveInt,
        learning_rate: z.number().positive(),
        weight_decay: z.number().nonnegative(),
        device: z.enum(['cpu', 'cuda', 'auto']),
        time_limit_minutes: z.number().nonnegative(),
        generate_with: z.enum(['best', 'latest']),
      })
      .strict(),
    mcts: z
      .object({
        num_simulations: positiveInt,
        max_simulations: positiveInt,
        simulation_ramp_step: nonNegativeInt,
        c_puct: z.number().positive(),
        fpu_reduction: z.number().nonnegative(),
        dirichlet_alpha: z.number().nonnegative(),
        dirichlet_epsilon: unit,
        temperature: z.number().nonnegative(),
        temperature_moves: nonNegativeInt,
        cache_size: nonNegativeInt,
        leaf_batch: positiveInt,
      })
      .strict(),
    actor: z
      .object({
        workers: positiveInt,
        games_per_worker: positiveInt,
        arenas_per_worker: z.number().int().min(1).max(4),
        intra_op_threads: positiveInt,
        execution_provider: z.enum(['cpu', 'cuda']),
        episodes: nonNegativeInt,
        models_dir: z.string(),
        model_poll_ms: positiveInt,
        write_batch_episodes: positiveInt,
        drain_timeout_seconds: z.number().positive(),
        metrics_port: port,
      })
      .strict(),
    replay: z
      .object({
        backend: z.enum(['sqlite', 'postgres']),
        url: z.string(),
        busy_timeout_ms: nonNegativeInt,
        window: positiveInt,
        max_transitions: nonNegativeInt,
        retry_attempts: positiveInt,
        pool_size: positiveInt,
      })
      .strict(),
    trainer: z
      .object({
        python: z.string(),
        threads: positiveInt,
        optimizer: z.enum(['adam', 'adamw']),
        warmup_steps: nonNegativeInt,
        grad_clip: z.number().nonnegative(),
        policy_weight: z.number().nonnegative(),
        value_weight: z.number().nonnegative(),
        network: z.enum(['auto', 'mlp', 'resnet']),
        blocks: positiveInt,
        filters: positiveInt,
        hidden_size: positiveInt,
        model_history: positiveInt,
        augment: z.boolean(),
      })
      .strict(),
    evaluation: z
      .object({
        games: nonNegativeInt,
        gate_threshold: unit,
        random_games: nonNegativeInt,
        simulations: positiveInt,
        positions: z.string(),
        gate_on: z.enum(['match', 'mistake_rate']),
        ladder_opponents: nonNegativeInt,
        ladder_games: nonNegativeInt,
      })
      .strict(),
    web: z
      .object({
        host: z.string().min(1),
        port,
        max_sessions: positiveInt,
        session_ttl_minutes: z.number().positive(),
        bot_simulations: positiveInt,
        cors_origin: z.string(),
      })
      .strict(),
    orchestrator: z
      .object({
        mode: z.enum(['local', 'kubernetes']),
        metrics_port: port,
      })
      .strict(),
    models: z
      .object({
        store: z.enum(['volume', 's3']),
        s3_endpoint: z.string(),
        s3_bucket: z.string(),
        s3_prefix: z.string(),
        s3_region: z.string().min(1),
        s3_poll_ms: positiveInt,
      })
      .strict(),
    kubernetes: z
      .object({
        namespace: z.string().min(1),
        actor_deployment: z.string().min(1),
        actor_replicas: nonNegativeInt,
        trainer_template: z.string().min(1),
        trainer_image: z.string(),
        keep_finished_jobs: nonNegativeInt,
        job_deadline_seconds: positiveInt,
        job_retries: nonNegativeInt,
        lease_name: z.string().min(1),
        lease_duration_seconds: positiveInt,
      })
      .strict(),
  })
  .strict();

export type CartridgeConfig = z.infer<typeof configSchema>;
export type ConfigSection = keyof CartridgeConfig;
