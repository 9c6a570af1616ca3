import type { MasterKeySpec } from '@neo/data/envelope';

/**
 * The security service's master key, from NEO_SECURITY_MASTER_KEY (32 random bytes, base64): it
 * wraps the data key of every secret version. Its own, not key management's: neither service can
 * open the other's data. `npm start` makes one in .neo/security-master-key (mode 0600).
 */
export const SECURITY_MASTER_KEY: MasterKeySpec = { variable: 'NEO_SECURITY_MASTER_KEY', label: 'neo-security-master-key' };
