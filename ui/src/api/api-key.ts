// The API key the user typed, kept for this browser tab's session only (sessionStorage):
// it is gone when the tab closes, and never written anywhere else.
const STORAGE_KEY = "cairn.apiKey";

/** The key to send, if the user gave one. */
export function storedApiKey(): string | undefined {
  try {
    return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Keeps `key` for the session (or forgets it with undefined). */
export function storeApiKey(key: string | undefined): void {
  try {
    if (key === undefined) sessionStorage.removeItem(STORAGE_KEY);
    else sessionStorage.setItem(STORAGE_KEY, key);
  } catch {
    // Storage disabled: the key lasts until the page reloads (see memoryKey).
  }
  memoryKey = key;
}

let memoryKey: string | undefined;

/** The key for requests: the session's, else the one given since the page loaded. */
export function currentApiKey(): string | undefined {
  return storedApiKey() ?? memoryKey;
}
