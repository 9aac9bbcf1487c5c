import { CairnError } from "../errors/cairn-error.js";

/**
 * An id prefix matched more than one run, so it names none of them.
 *
 * `context.prefix` is the prefix, `context.kind` `"flow run"` or `"task run"`,
 * `context.matches` (some of) the ids it matched.
 *
 * @example
 * ```ts
 * await client.readFlowRun("a"); // throws AmbiguousIdError when several ids start with "a"
 * ```
 */
export class AmbiguousIdError extends CairnError {
  constructor(kind: "flow run" | "task run", prefix: string, matches: readonly string[]) {
    super(
      "AMBIGUOUS_ID",
      `The id prefix "${prefix}" matches more than one ${kind} (${matches.join(", ")}, ...). ` +
        "Give more characters of the id, or the full id.",
      { context: { kind, prefix, matches: [...matches] } },
    );
  }
}
