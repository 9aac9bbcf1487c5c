import { Command } from "commander";
import { z } from "zod";
import "../../blocks/builtin-block-types.js";
import { blockDocumentInput, blockNotFoundError, type BlockLike } from "../../blocks/block-document.js";
import { BlockError, BlockErrorCode } from "../../blocks/block-error.js";
import { assertBlockName, formatBlockSlug, parseBlockSlug } from "../../blocks/block-name.js";
import { blockTypes, requireBlockType, type BlockClass } from "../../blocks/block-registry.js";
import { createOrchestrationClient } from "../../client/create-client.js";
import type { OrchestrationClient } from "../../client/orchestration-client.js";
import type { BlockDocumentRecord } from "../../records/index.js";
import { isCairnError } from "../../errors/cairn-error.js";
import { ConfigurationError } from "../../errors/configuration-error.js";
import { cliIO, cliSettings, colors, print, renderTable } from "../output.js";
import { rotateKeyCommand } from "./block-rotate-key.js";


/**
 * `cairn block`: list, inspect, create and delete saved blocks, list block types, and
 * rotate the key of block secrets. Secret fields show as `********` unless
 * `inspect --show-secrets` asks for them.
 *
 * @example
 * ```sh
 * cairn block create s3 prod --field bucketPath=bucket/results --field awsAccessKeyId=AKIA... \
 *   --field-from-env awsSecretAccessKey=AWS_SECRET_ACCESS_KEY
 * cairn block ls
 * cairn block inspect s3/prod
 * cairn block delete s3/prod
 * ```
 */
export function blockCommand(): Command {
  const command = new Command("block").description("Manage saved blocks (storage locations and their credentials).");

  command
    .command("ls")
    .description("List saved blocks (secrets masked).")
    .option("--all", "also list blocks saved anonymously (unsaved storage blocks that persisted results)")
    .option("--type <SLUG>", "only blocks of this type, e.g. s3")
    .option("--json", "print the blocks as JSON")
    .action(async (options: { all?: boolean; type?: string; json?: boolean }) => {
      const documents = await withClient((client) =>
        client.readBlockDocuments({
          includeAnonymous: options.all === true,
          ...(options.type === undefined ? {} : { blockTypeSlug: options.type }),
        }),
      );
      if (options.json === true) return print(JSON.stringify(documents, null, 2));
      if (documents.length === 0) {
        return print(options.all === true ? "No blocks are saved." : "No blocks are saved (run with --all to include anonymous ones).");
      }
      const c = colors();
      const rows = documents.map((d) => [
        c.dim(d.id),
        formatBlockSlug(d) + (d.isAnonymous ? c.dim(" (anonymous)") : ""),
        d.updated.slice(0, 19).replace("T", " "),
        summarizeFields(d.data),
      ]);
      print(renderTable(rows, { header: ["ID", "SLUG", "UPDATED", "FIELDS"].map((h) => c.bold(h)) }));
    });

  command
    .command("inspect")
    .description("Show a saved block: its id, type and fields (secrets masked unless --show-secrets).")
    .argument("<SLUG>", 'the block\'s slug, e.g. "s3/prod", or its document id')
    .option("--show-secrets", "show secret fields in clear")
    .option("--json", "print the block as JSON")
    .action(async (slugOrId: string, options: { showSecrets?: boolean; json?: boolean }) => {
      const includeSecrets = options.showSecrets === true;
      const document = await withClient(async (client) => {
        if (!slugOrId.includes("/")) {
          const byId = await client.readBlockDocumentById(slugOrId, { includeSecrets });
          if (byId !== undefined) return byId;
        }
        const slug = parseBlockSlug(slugOrId);
        const found = await client.readBlockDocument(slug.blockTypeSlug, slug.name, { includeSecrets });
        if (found === undefined) throw await blockNotFoundError(client, slug);
        return found;
      });
      if (options.json === true) return print(JSON.stringify(document, null, 2));
      printDocument(document);
    });

  command
    .command("delete")
    .description("Delete a saved block. Results already written stay where they are.")
    .argument("<SLUG>", 'the block\'s slug, e.g. "s3/prod"')
    .action(async (slugText: string) => {
      const slug = parseBlockSlug(slugText);
      await withClient(async (client) => {
        if (!(await client.deleteBlockDocument(slug.blockTypeSlug, slug.name))) throw await blockNotFoundError(client, slug);
      });
      print(`Deleted block ${formatBlockSlug(slug)}.`);
    });

  command
    .command("types")
    .description("List the block types this installation knows.")
    .action(() => {
      const c = colors();
      const rows = blockTypes().map((type) => [type.blockTypeSlug, type.name, fieldsOf(type), (type.secretFields ?? []).join(", ") || "-"]);
      print(renderTable(rows, { header: ["TYPE", "CLASS", "FIELDS", "SECRET FIELDS"].map((h) => c.bold(h)) }));
    });

  command
    .command("create")
    .description("Create (save) a block from fields given on the command line.")
    .argument("<TYPE>", "the block type, e.g. s3 or local-file-system (see `cairn block types`)")
    .argument("<NAME>", "the block's name: lowercase letters, digits and dashes")
    .option("--field <KEY=VALUE>", "a field (repeatable); true/false and numbers are parsed, the rest is text", collect, [])
    .option("--field-from-env <KEY=ENV_VAR>", "a field read from an environment variable (for secrets; repeatable)", collect, [])
    .option("--overwrite", "replace a block already saved under that name")
    .addHelpText(
      "after",
      "\nExample:\n  cairn block create local-file-system results --field basepath=/data/results\n" +
        "  cairn block create s3 prod --field bucketPath=bucket/results --field awsAccessKeyId=AKIA... " +
        "--field-from-env awsSecretAccessKey=AWS_SECRET_ACCESS_KEY",
    )
    .action(async (typeSlug: string, name: string, options: { field: string[]; fieldFromEnv: string[]; overwrite?: boolean }) => {
      const type = requireBlockType(typeSlug);
      assertBlockName(name);
      const fields: Record<string, unknown> = {};
      for (const entry of options.field) {
        const [key, value] = splitAssignment(entry, "--field");
        fields[key] = parseFieldValue(value);
      }
      for (const entry of options.fieldFromEnv) {
        const [key, variable] = splitAssignment(entry, "--field-from-env");
        const value = cliIO().env[variable];
        if (value === undefined || value === "") {
          throw new ConfigurationError(`--field-from-env ${key}=${variable}: the environment variable ${variable} is not set.`);
        }
        fields[key] = value;
      }
      const block = type.fromConfig !== undefined ? type.fromConfig(fields) : new type(fields);
      const record = await withClient(async (client) => {
        try {
          return await client.saveBlockDocument(blockDocumentInput(block as BlockLike, name), { overwrite: options.overwrite === true });
        } catch (err) {
          if (!isCairnError(err, BlockErrorCode.AlreadyExists)) throw err;
          throw new BlockError(
            BlockErrorCode.AlreadyExists,
            `A block is already saved as ${typeSlug}/${name}. Pass --overwrite to replace it, or choose another name.`,
            { cause: err, context: { blockTypeSlug: typeSlug, name } },
          );
        }
      });
      print(`Saved block ${formatBlockSlug(record)} with id ${record.id}.`);
    });

  command.addCommand(rotateKeyCommand());

  return command;
}

/** Opens the metadata store the CLI's settings select, runs `fn`, and closes it. */
async function withClient<T>(fn: (client: OrchestrationClient) => Promise<T>): Promise<T> {
  const client = await createOrchestrationClient(cliSettings());
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

function printDocument(document: BlockDocumentRecord): void {
  const c = colors();
  const secret = new Set(document.secretFields);
  const head: [string, string][] = [
    ["Slug:", formatBlockSlug(document) + (document.isAnonymous ? " (anonymous)" : "")],
    ["Id:", document.id],
    ["Type:", document.blockTypeSlug],
    ["Created:", document.created],
    ["Updated:", document.updated],
  ];
  print(renderTable(head.map(([k, v]) => [c.bold(k), v])));
  print();
  const marked = secret.size > 0;
  const rows = Object.entries(document.data).map(([field, value]) =>
    marked ? [field, formatValue(value), secret.has(field) ? c.dim("secret") : ""] : [field, formatValue(value)],
  );
  const header = (marked ? ["FIELD", "VALUE", ""] : ["FIELD", "VALUE"]).map((h) => c.bold(h));
  print(rows.length === 0 ? "No fields." : renderTable(rows, { header }));
}

function formatValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function summarizeFields(data: Record<string, unknown>): string {
  const text = Object.entries(data)
    .map(([k, v]) => `${k}=${formatValue(v)}`)
    .join(" ");
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function fieldsOf(type: BlockClass): string {
  return type.schema instanceof z.ZodObject ? Object.keys(type.schema.shape).join(", ") : "-";
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function splitAssignment(entry: string, option: string): [string, string] {
  const equals = entry.indexOf("=");
  // The entry is not quoted back: it may be a secret typed without its key.
  if (equals <= 0) throw new ConfigurationError(`${option} expects KEY=VALUE, e.g. ${option} bucketPath=bucket/prefix.`);
  return [entry.slice(0, equals).trim(), entry.slice(equals + 1)];
}

/** `true`/`false` and plain numbers become booleans and numbers; anything else stays text. */
function parseFieldValue(value: string): unknown {
  if (value === "true") return true;
  if (value === "false") return false;
  if (/^-?\d+(\.\d+)?$/.test(value) && Number.isFinite(Number(value))) return Number(value);
  return value;
}
