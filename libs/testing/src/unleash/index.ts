// The Unleash server starter lives in @neo/topology-runtime (`neo-db up --flags unleash` uses it too).
export { startUnleashServer, type RunningUnleashServer, type UnleashServerOptions, type AdminStrategy } from '@neo/topology-runtime';
