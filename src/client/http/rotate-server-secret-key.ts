import { ApiTransport } from "./api-transport.js";

/** What the server answered to a key rotation (fingerprints only: no key material travels). */
export interface ServerKeyRotation {
  documents: number;
  oldFingerprint: string;
  newFingerprint: string;
  /** The key file on the server's machine that now holds the new key. */
  keyFile: string;
  /** Where the server kept the old key. */
  backupFile: string;
}

/**
 * Asks a Cairn server to rotate the secret key of its block secrets
 * (`POST /api/block-secrets/rotate-key`): the server generates the new key, re-encrypts
 * every document and installs the key. The client sends its API key and nothing else.
 *
 * @param options.retryTimeoutMs how long to retry while the server cannot be reached. @default 5000
 * @throws `ApiRequestError` `API_UNREACHABLE` (no server there), `UNAUTHORIZED` (the API key is
 *   missing or wrong), `KEY_ROTATION_FORBIDDEN`, `KEY_ROTATION_REFUSED` (the message says why).
 *
 * @example
 * ```ts
 * const rotation = await rotateServerSecretKey({ url: "http://127.0.0.1:4200/api", apiKey: process.env.CAIRN_API_KEY });
 * ```
 */
export async function rotateServerSecretKey(options: { url: string; apiKey?: string | undefined; retryTimeoutMs?: number }): Promise<ServerKeyRotation> {
  const transport = new ApiTransport({ url: options.url, apiKey: options.apiKey, retryTimeoutMs: options.retryTimeoutMs ?? 5000 });
  const { body } = await transport.call({ method: "POST", path: "/block-secrets/rotate-key", idempotent: false });
  return body as ServerKeyRotation;
}
