import { ConfigurationError } from "../errors/configuration-error.js";

/** The values a `resultStorageKey` template can refer to. */
export interface StorageKeyValues {
  flow_run?: { id: string; name: string; flow_name: string } | undefined;
  task_run: { id: string; name: string; task_name: string };
  parameters: Record<string, unknown>;
}

const PLACEHOLDER = /\{([^{}]*)\}/g;
const ROOTS = new Set(["flow_run", "task_run", "parameters"]);

/**
 * Checks a `resultStorageKey` template where it is given: each `{...}` must name
 * `flow_run.*`, `task_run.*` or `parameters.*`.
 */
export function validateStorageKeyTemplate(template: string, label: string): void {
  for (const match of template.matchAll(PLACEHOLDER)) {
    const path = match[1]!.trim();
    const root = path.split(".")[0]!;
    if (!ROOTS.has(root) || !path.includes(".")) {
      throw new ConfigurationError(
        `${label} has resultStorageKey ${JSON.stringify(template)} with the placeholder {${path}}, which Cairn does not know. ` +
          "Use {flow_run.id}, {flow_run.name}, {flow_run.flow_name}, {task_run.id}, {task_run.name}, {task_run.task_name} " +
          "or {parameters.NAME}.",
      );
    }
  }
}

/**
 * Fills in a `resultStorageKey` template, e.g. `"hello-{parameters.name}.json"`.
 * Parameter names are those of the task function's source (see the README).
 * Keys that would escape the storage's base are refused by the storage itself.
 */
export function renderStorageKey(template: string, values: StorageKeyValues, label: string): string {
  return template.replace(PLACEHOLDER, (_, raw: string) => {
    const path = raw.trim().split(".");
    let current: unknown = values;
    for (const part of path) {
      if (current === null || current === undefined || typeof current !== "object" || !(part in current)) {
        const known = path[0] === "parameters" ? Object.keys(values.parameters).join(", ") || "(none)" : undefined;
        throw new ConfigurationError(
          `${label}: resultStorageKey ${JSON.stringify(template)} refers to {${raw}}, which has no value in this run` +
            (known !== undefined ? `; the parameters are: ${known}` : path[0] === "flow_run" ? " (the task ran outside a flow)" : "") +
            ". Fix the template or the call.",
        );
      }
      current = (current as Record<string, unknown>)[part];
    }
    return typeof current === "string" ? current : JSON.stringify(current);
  });
}
