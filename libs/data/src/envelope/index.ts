/**
 * Envelope encryption with node:crypto: AES-256-GCM data keys, each wrapped by a master key that
 * a service gets from its environment and never stores (`@neo/data/envelope`).
 */
export { KEY_BYTES, open, seal, SealBrokenError } from './aes-gcm.js';
export { MasterKey, MasterKeyConfigError, type MasterKeySpec } from './master-key.js';
