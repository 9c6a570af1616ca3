/** A version written or listed: never its value. */
export interface SecretVersionResponse {
  name: string;
  version: number;
  createdAt: string;
}

/** `GET /secrets/:name`: the newest value. */
export interface SecretValueResponse extends SecretVersionResponse {
  value: string;
}

export interface SecretVersionsResponse {
  name: string;
  /** Newest first. */
  versions: { version: number; createdAt: string }[];
}

export interface SecretDeletedResponse {
  name: string;
  deletedAt: string;
}
