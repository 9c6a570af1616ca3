// The last step of a query: one `pg` pool per database node, and Prisma's driver adapter on it.
export { NodePools, nodeKey, type NodePoolsOptions, type PoolFactory } from './node-pools.js';
export { probeNode, type NodeProbe } from './probe-node.js';
export {
  queryTimeoutsOf,
  DEFAULT_STATEMENT_TIMEOUT_MS,
  DEFAULT_TRANSACTION_TIMEOUT_MS,
  NO_ANSWER_GRACE_MS,
  type QueryTimeouts,
} from './query-timeouts.js';
