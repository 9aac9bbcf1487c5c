import { createRoute, z } from "@hono/zod-openapi";
import { SecretKeyError, SecretKeyErrorCode } from "../../../blocks/secrets/secret-key-error.js";
import { CairnError } from "../../../errors/cairn-error.js";
import type { ApiApp, RouteDeps } from "../api-app.js";
import { ERROR_RESPONSES, ErrorSchema, json } from "../schemas/common-schemas.js";

const RotationSchema = z
  .object({
    documents: z.number().int().min(0).openapi({ description: "How many block documents were re-encrypted." }),
    oldFingerprint: z.string(),
    newFingerprint: z.string(),
    keyFile: z.string().openapi({ description: "The key file on the server's machine that now holds the new key." }),
    backupFile: z.string().openapi({ description: "Where the server kept the old key (secret.key.old)." }),
  })
  .openapi("SecretKeyRotation");

const rotate = createRoute({
  method: "post",
  path: "/block-secrets/rotate-key",
  tags: ["blocks"],
  summary: "Re-encrypt every block's secrets with a new key that the server generates and installs",
  description:
    "The server holds the secret key of block secrets: it generates the new key, re-encrypts every document in " +
    "one transaction, keeps the old key as secret.key.old and installs the new one. No key material travels: " +
    "the request has no body and the answer only fingerprints. Allowed when the server has CAIRN_SERVER_API_KEY " +
    "set (the request is authenticated), or for a client on the server's own machine; 403 otherwise. When the " +
    "server's key comes from CAIRN_SECRET_KEY it cannot install a new one: 409, and the message says what to do.",
  responses: {
    200: json(RotationSchema, "The secrets were re-encrypted and the new key installed."),
    403: json(ErrorSchema, "This request may not rotate the key (KEY_ROTATION_FORBIDDEN)."),
    409: json(ErrorSchema, "The key cannot be rotated here, or nothing was changed (KEY_ROTATION_REFUSED); the message says why."),
    ...ERROR_RESPONSES,
  },
});

/**
 * Registers `POST /block-secrets/rotate-key` (`cairn block rotate-key` with `CAIRN_API_URL`).
 *
 * @example
 * ```ts
 * secretKeyRoutes(api, { service });
 * ```
 */
export function secretKeyRoutes(app: ApiApp, { service }: RouteDeps): void {
  app.openapi(rotate, async (c) => {
    if (!c.get("mayRevealSecrets")) {
      throw new CairnError(
        "KEY_ROTATION_FORBIDDEN",
        "Rotating the secret key over the API needs CAIRN_SERVER_API_KEY to be set on the server (and sent by the " +
          "client as CAIRN_API_KEY), unless the client runs on the server's own machine. Nothing was changed.",
      );
    }
    try {
      const result = await service.blocks.rotateSecretKey();
      return c.json(
        {
          documents: result.documents,
          oldFingerprint: result.oldFingerprint,
          newFingerprint: result.newFingerprint,
          keyFile: result.keyFile ?? "",
          backupFile: result.backupFile ?? "",
        },
        200,
      );
    } catch (err) {
      if (!(err instanceof SecretKeyError)) throw err;
      throw new CairnError("KEY_ROTATION_REFUSED", refusal(err), { cause: err, context: { reason: err.code } });
    }
  });
}

/** The rotation's error, said for a client of the server. */
function refusal(err: SecretKeyError): string {
  if (err.code === SecretKeyErrorCode.Unavailable && /CAIRN_SECRET_KEY/.test(err.message)) {
    return (
      "The server's secret key comes from its CAIRN_SECRET_KEY setting, so the server cannot install a new key " +
      "itself. On the server's machine, write a new key (openssl rand -base64 32 > new.key), run `cairn block " +
      "rotate-key --new-key-file new.key` there with the server's CAIRN_API_DATABASE_URL and CAIRN_SECRET_KEY " +
      "(without CAIRN_API_URL), then restart the server with CAIRN_SECRET_KEY set to the new key. Nothing was changed."
    );
  }
  return `The server could not rotate its secret key: ${err.message}`;
}
