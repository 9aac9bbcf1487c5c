import { formatBytes } from "../format.js";

/** A typed array or binary value: its type, length and first values. */
export function BinarySummary({ type, length, byteLength, first }: { type: string; length: number; byteLength: number; first: string[] }) {
  return (
    <div class="binary-summary">
      <p>
        <strong>{type}</strong> of {length} value{length === 1 ? "" : "s"} ({formatBytes(byteLength)})
      </p>
      <p class="muted">First values:</p>
      <code class="binary-values">
        [{first.join(", ")}
        {length > first.length ? ", …" : ""}]
      </code>
    </div>
  );
}
