import type { Contract } from '../../generated/prisma/client.js';

/** A contract as the API returns it. */
export interface ContractResponse {
  id: string;
  name: string;
  scriptHash: string;
  createdAt: string;
}

export function toContractResponse(row: Contract): ContractResponse {
  return { id: row.id, name: row.name, scriptHash: row.scriptHash, createdAt: row.createdAt.toISOString() };
}
