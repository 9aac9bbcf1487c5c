import type { State } from "../api/api-client.js";

/** The error of a failed, crashed or cancelled run: its message, and the stack its final state recorded. */
export function RunError({ message, states }: { message: string | null; states: State[] }) {
  let stack: string | undefined;
  let name: string | undefined;
  const final = [...states].reverse().find((s) => s.details !== null && s.details.includes('"error"'));
  if (final?.details) {
    try {
      const details = JSON.parse(final.details) as { error?: { name?: string; stack?: string } };
      stack = details.error?.stack;
      name = details.error?.name;
    } catch {
      // details are informative only
    }
  }
  return (
    <div class="error-box run-error" role="alert">
      <strong>{name ?? "Error"}</strong>
      <p class="run-error-message">{message ?? "The run ended without a message."}</p>
      {stack !== undefined && (
        <details>
          <summary>Stack trace</summary>
          <pre>{stack}</pre>
        </details>
      )}
    </div>
  );
}
