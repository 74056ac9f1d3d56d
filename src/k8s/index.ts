// Kubernetes: the orchestrator's cluster backend (actors, trainer Jobs, leader election) and the
// manifest tooling behind `cartridge k8s` (kustomize rendering, offline schema validation).
export {
  type DeploymentStatus,
  deploymentStatus,
  scaleDeployment,
  setContainerEnv,
  waitForReady,
} from './actors.js';
export {
  KubernetesBackend,
  type KubernetesBackendOptions,
  type KubernetesProgress,
  TrainerJobError,
  type TrainerStats,
} from './backend.js';
export { apiStatus, createKubeClients, type KubeClientOptions, type KubeClients } from './client.js';
export {
  buildTrainerJob,
  COMPONENT_LABEL,
  collectFinishedJobs,
  ITERATION_LABEL,
  jobOutcome,
  trainerJobName,
  waitForJob,
} from './jobs.js';
export { LeaderElector, type LeaderElectorOptions, type LeaseState } from './lease.js';
export {
  type KubeObject,
  KustomizeError,
  renderKustomization,
  toMultiDocYaml,
} from './manifests/kustomize.js';
export { validateObject, validateObjects } from './manifests/validate.js';
