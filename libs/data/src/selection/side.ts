import type { CallKind } from '../prisma-call/index.js';

/**
 * Which database serves a call: `monolith` (the service's schema inside neo_service_layer) or
 * `service` (the service's own database, possibly sharded).
 */
export type Side = 'monolith' | 'service';

/** What a call does, as far as choosing a side goes: reads may be split by user, writes never. */
export type OperationKind = CallKind;
