// The shape of a Prisma call, known in one place: which operations read, how models and their
// delegates are named, and the lazy promise a routing client returns.
export {
  READ_OPERATIONS,
  CREATE_OPERATIONS,
  SINGLE_RECORD_WRITES,
  MANY_RECORD_WRITES,
  RAW_QUERIES,
  RAW_EXECUTES,
  isReadOperation,
  classifyPrismaCall,
  type CallKind,
} from './operations.js';
export { callDelegate, delegateNameOf, isModelDelegate, modelDelegateOf, modelNameOf, type ModelDelegate } from './model-delegates.js';
export { LazyCall } from './lazy-call.js';
export { DelegateMethod } from './delegate-method.js';
export { readThroughProxy } from './read-through-proxy.js';
export { RelationFields, type RuntimeDataModelLike } from './relation-fields.js';
export { FluentCalls, FLUENT_OPERATIONS } from './fluent-call.js';
export { wrapWriteCalls, type RunWriteCall, type WriteCallOptions } from './write-calls.js';
