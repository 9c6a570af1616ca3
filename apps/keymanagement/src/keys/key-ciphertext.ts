/**
 * The ciphertext the API hands out: `<version>.<base64url of IV ‖ tag ‖ ciphertext>`. The version
 * says which key version decrypts it, so ciphertexts made before a rotation keep decrypting.
 */
export interface KeyCiphertext {
  version: number;
  sealed: Buffer;
}

const TOKEN = /^([1-9]\d{0,8})\.([A-Za-z0-9_-]{38,})$/;

export function encodeCiphertext({ version, sealed }: KeyCiphertext): string {
  return `${version}.${sealed.toString('base64url')}`;
}

/** The parts of a ciphertext this service made, or undefined for anything else. */
export function decodeCiphertext(text: string): KeyCiphertext | undefined {
  const match = TOKEN.exec(text);
  if (!match) return undefined;
  const sealed = Buffer.from(match[2]!, 'base64url');
  if (sealed.toString('base64url') !== match[2]) return undefined;
  return { version: Number(match[1]), sealed };
}
