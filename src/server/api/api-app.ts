import { OpenAPIHono } from "@hono/zod-openapi";
import type { MetadataService } from "../../database/service/metadata-service.js";
import { validationError } from "./validation-error.js";

/** What every API handler can read from the request context. */
export interface ApiEnv {
  Variables: {
    /** Whether this request may read block secrets (see `canRevealSecrets`). */
    mayRevealSecrets: boolean;
  };
}

/**
 * The Hono app type of the API.
 *
 * @example
 * ```ts
 * const api: ApiApp = newApiApp();
 * ```
 */
export type ApiApp = OpenAPIHono<ApiEnv>;

/** What the route modules need. */
export interface RouteDeps {
  service: MetadataService;
}

/**
 * A new API app whose validation failures answer 400 with an error that names the field.
 *
 * @example
 * ```ts
 * const app = newApiApp();
 * flowRunRoutes(app, { service });
 * ```
 */
export function newApiApp(): ApiApp {
  return new OpenAPIHono<ApiEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return c.json(validationError(result.target, result.error), 400);
      return undefined;
    },
  });
}
