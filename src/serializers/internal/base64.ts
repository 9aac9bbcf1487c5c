/** Encodes bytes as standard, padded base64 text. */
export function encodeBase64(bytes: Uint8Array): string {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buffer.toString("base64");
}

/**
 * Decodes base64 text strictly: Node's decoder skips characters it does not know,
 * so a corrupt string would decode to fewer bytes without complaint. The length of
 * the result tells: valid text of n characters decodes to exactly ⌊(n − padding)·3/4⌋ bytes.
 *
 * @returns the bytes, or undefined when `text` is not valid base64
 */
export function decodeBase64(text: string): Buffer | undefined {
  if (typeof text !== "string" || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, "base64");
  let padding = 0;
  if (text.endsWith("==")) padding = 2;
  else if (text.endsWith("=")) padding = 1;
  const expected = Math.floor(((text.length - padding) * 3) / 4);
  return bytes.length === expected ? bytes : undefined;
}
