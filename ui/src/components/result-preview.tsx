import { apiGet } from "../api/api-client.js";
import { formatBytes } from "../format.js";
import { useApi } from "../hooks/use-api.js";
import { BinarySummary } from "./binary-summary.js";
import { Loading } from "./error-message.js";
import { JsonTree } from "./json-tree.js";
import { RecordsTable } from "./records-table.js";

/**
 * The value of a run's result, read by the server from its storage: a tree, a table of
 * records, a binary summary or text. A blob that failed its integrity check shows the
 * error, never a value; with preview off on the server, says so and why.
 */
export function ResultPreview({ runId }: { runId: string }) {
  const preview = useApi((signal) => apiGet("/runs/{runId}/result", { runId }, { signal }), [runId]);
  if (preview.error !== undefined) {
    if (preview.error.code === "RESULT_PREVIEW_DISABLED") {
      return (
        <div class="notice preview-disabled">
          <strong>Preview is off on this server.</strong>
          <p>{preview.error.message}</p>
        </div>
      );
    }
    return (
      <div class="error-box" role="alert">
        <strong>The preview could not be loaded</strong>
        <p>{preview.error.message}</p>
      </div>
    );
  }
  if (preview.data === undefined) return <Loading what="the result" />;
  const { preview: body, integrity, size, blob, storage } = preview.data;
  return (
    <div class="result-preview" data-integrity={integrity} data-kind={body.kind}>
      {(blob !== null || size !== null) && (
        <p class="muted preview-meta">
          {storage ?? ""}
          {size !== null ? ` · ${formatBytes(size)}` : ""}
          {blob?.serializer ? ` · ${blob.serializer}` : ""}
          {integrity === "verified" ? " · integrity verified ✓" : integrity === "failed" ? " · integrity check FAILED" : ""}
        </p>
      )}
      {(() => {
        switch (body.kind) {
          case "tree":
            return <JsonTree nodes={body.nodes} truncated={body.truncated} />;
          case "table":
            return <RecordsTable columns={body.columns} rows={body.rows} totalRows={body.totalRows} />;
          case "binary":
            return <BinarySummary type={body.type} length={body.length} byteLength={body.byteLength} first={body.first} />;
          case "text":
            return (
              <>
                <pre class="text-value">{body.text}</pre>
                {body.truncated && <p class="muted">The first {body.text.length} of {body.length} characters are shown.</p>}
              </>
            );
          case "literal":
            return <code class="literal">{String(body.value)}</code>;
          case "none":
            return <p class="muted">{body.message}</p>;
          case "too-large":
            return (
              <div class="notice">
                <strong>Too large to preview ({formatBytes(body.size)}).</strong>
                <p>{body.message}</p>
              </div>
            );
          case "error":
            return (
              <div class={`error-box ${integrity === "failed" ? "integrity-error" : ""}`} role="alert">
                <strong>{integrity === "failed" ? "Integrity check failed: the value is not shown" : "The result could not be read"}</strong>
                <p>{body.message}</p>
                <code class="muted">{body.code}</code>
              </div>
            );
        }
      })()}
    </div>
  );
}
