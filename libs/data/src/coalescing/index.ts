export { coalesceCreates, type WriteCoalescingOptions } from './coalesce-creates.js';
export { coalescingRecorder, type CoalescingRecorder, type CreatePath } from './coalescing-metrics.js';
