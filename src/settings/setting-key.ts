import { SETTING_DEFINITIONS } from "./setting-definitions.js";
import type { SettingKey } from "./setting-values.js";

/** Every setting name, in display order. */
export const SETTING_KEYS = Object.keys(SETTING_DEFINITIONS) as readonly SettingKey[];

/** True when `name` is the name of a Cairn setting. */
export function isSettingKey(name: string): name is SettingKey {
  return Object.hasOwn(SETTING_DEFINITIONS, name);
}

/**
 * The setting a mistyped name most likely meant, or undefined when none is close.
 *
 * @example
 * ```ts
 * closestSettingKey("CAIRN_SERVR_PORT"); // "CAIRN_SERVER_PORT"
 * closestSettingKey("cairn_api_url");    // "CAIRN_API_URL"
 * ```
 */
export function closestSettingKey(name: string): SettingKey | undefined {
  const wanted = name.toUpperCase();
  let best: SettingKey | undefined;
  let bestDistance = Math.max(3, Math.floor(wanted.length / 4)) + 1;
  for (const key of SETTING_KEYS) {
    const distance = key === wanted ? 0 : editDistance(key, wanted);
    if (distance < bestDistance) {
      best = key;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
