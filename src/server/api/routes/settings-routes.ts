import { createRoute, z } from "@hono/zod-openapi";
import { SETTING_DEFINITIONS, SETTING_KEYS, type SettingKey, type Settings } from "../../../settings/index.js";
import type { PreviewPolicy } from "../../preview/preview-policy.js";
import type { ApiApp } from "../api-app.js";
import { ERROR_RESPONSES, json } from "../schemas/common-schemas.js";

const SettingsSchema = z
  .object({
    profile: z.string().openapi({ description: "The server's active profile." }),
    items: z.array(
      z
        .object({
          key: z.string(),
          value: z.string().nullable().openapi({ description: 'The value in effect as text; secrets read "********", passwords in URLs are hidden; null when unset.' }),
          source: z.enum(["env", "profile", "default"]),
          secret: z.boolean(),
          default: z.string(),
          description: z.string(),
        })
        .openapi("SettingInEffect"),
    ),
    resultPreview: z
      .object({ enabled: z.boolean(), maxBytes: z.number().int(), reason: z.string().nullable() })
      .openapi({ description: "Whether GET /runs/{runId}/result previews values, and why not." }),
  })
  .openapi("ServerSettings");

const readSettings = createRoute({
  method: "get",
  path: "/settings",
  tags: ["server"],
  summary: "The server's settings in effect (secrets masked, never sent)",
  responses: { 200: json(SettingsSchema, "Every setting, in display order."), ...ERROR_RESPONSES },
});

/**
 * Registers the settings route.
 *
 * @example
 * ```ts
 * settingsRoutes(api, { settings, preview }); // GET /settings
 * ```
 */
export function settingsRoutes(app: ApiApp, deps: { settings: Settings; preview: PreviewPolicy }): void {
  const { settings, preview } = deps;
  app.openapi(readSettings, (c) =>
    c.json(
      {
        profile: settings.profileName,
        items: SETTING_KEYS.map((key) => ({
          key,
          value: shown(settings, key),
          source: settings.source(key),
          secret: SETTING_DEFINITIONS[key].secret,
          default: SETTING_DEFINITIONS[key].defaultText,
          description: SETTING_DEFINITIONS[key].description,
        })),
        resultPreview: { enabled: preview.enabled, maxBytes: preview.maxBytes, reason: preview.disabledReason ?? null },
      },
      200,
    ),
  );
}

function shown(settings: Settings, key: SettingKey): string | null {
  const value = settings.get(key);
  if (value === undefined) return null;
  const definition = SETTING_DEFINITIONS[key];
  if (definition.secret) return "********";
  return definition.redact?.(String(value)) ?? String(value);
}
