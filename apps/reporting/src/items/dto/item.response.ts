import type { Item } from '../../generated/prisma/client.js';

/** An item as the API returns it. */
export interface ItemResponse {
  id: string;
  name: string;
  createdAt: string;
}

export function toItemResponse(item: Item): ItemResponse {
  return { id: item.id, name: item.name, createdAt: item.createdAt.toISOString() };
}
