export * from './topology.schema.js';
