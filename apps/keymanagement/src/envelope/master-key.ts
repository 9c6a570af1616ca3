import type { MasterKeySpec } from '@neo/data/envelope';

/** The environment variable holding the master key: 32 random bytes, base64 (`openssl rand -base64 32`). */
export const MASTER_KEY_ENV = 'NEO_KEYMANAGEMENT_MASTER_KEY';

/** The key management service's master key (the label keeps the fingerprints of keys already stored). */
export const KEYMANAGEMENT_MASTER_KEY: MasterKeySpec = { variable: MASTER_KEY_ENV, label: 'neo-keymanagement-master-key' };
