export { coalesceCreates, type WriteCoalescingOptions } from './coalesce-creates.js';
export { coalescingRecorder, type CoalescedStatement, type CoalescingRecorder, type CreatePath } from './coalescing-metrics.js';
