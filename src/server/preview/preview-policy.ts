import type { Settings } from "../../settings/index.js";

/** Whether the server previews result values, and up to what size. */
export interface PreviewPolicy {
  enabled: boolean;
  /** Blobs larger than this are described, not loaded. */
  maxBytes: number;
  /** Why preview is off, for the 403 message (names the setting). */
  disabledReason?: string;
}

/**
 * True for a loopback address: `127.0.0.0/8`, `::1`, `localhost`. `0.0.0.0` and `::`
 * (every interface) are not.
 *
 * @example
 * ```ts
 * isLoopbackHost("127.0.0.1"); // true
 * isLoopbackHost("0.0.0.0");   // false
 * ```
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

/**
 * The preview policy of a server listening on `host`: `CAIRN_SERVER_RESULT_PREVIEW` when
 * set, else on only for a loopback address (a preview hands out result data, not only
 * metadata, to whoever reaches the API).
 *
 * @example
 * ```ts
 * previewPolicy(settings, "0.0.0.0").enabled; // false unless CAIRN_SERVER_RESULT_PREVIEW=true
 * ```
 */
export function previewPolicy(settings: Settings, host: string): PreviewPolicy {
  const maxBytes = settings.get("CAIRN_SERVER_RESULT_PREVIEW_MAX_BYTES");
  const setting = settings.get("CAIRN_SERVER_RESULT_PREVIEW");
  if (setting === true) return { enabled: true, maxBytes };
  if (setting === false) {
    return {
      enabled: false,
      maxBytes,
      disabledReason:
        "Result preview is turned off on this server (CAIRN_SERVER_RESULT_PREVIEW=false). " +
        "Set CAIRN_SERVER_RESULT_PREVIEW=true where the server runs to show result values, or read them with `cairn result read KEY`.",
    };
  }
  if (isLoopbackHost(host)) return { enabled: true, maxBytes };
  return {
    enabled: false,
    maxBytes,
    disabledReason:
      `Result preview is off: the server listens on ${host}, not a loopback address, and CAIRN_SERVER_RESULT_PREVIEW is not set. ` +
      "Set CAIRN_SERVER_RESULT_PREVIEW=true where the server runs to show result values to whoever can reach this API " +
      "(with CAIRN_SERVER_API_KEY, to whoever has the key), or read them with `cairn result read KEY`.",
  };
}
