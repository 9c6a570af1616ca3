import type { StorageObject } from '../../generated/prisma/client.js';

/** An object as the API returns it: `size` a JSON number (exact: sizes are capped at 2^53 - 1), dates ISO 8601. */
export interface StorageObjectResponse {
  id: string;
  key: string;
  owner: string;
  size: number;
  contentHash: string;
  contentType: string | null;
  createdDate: string;
}

export interface StorageObjectPage {
  items: StorageObjectResponse[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}

export function toResponse(row: StorageObject): StorageObjectResponse {
  return {
    id: row.id,
    key: row.key,
    owner: row.owner,
    size: Number(row.size),
    contentHash: row.contentHash,
    contentType: row.contentType,
    createdDate: row.createdDate.toISOString(),
  };
}
