import { apiGet } from "../api/api-client.js";
import { ErrorMessage, Loading } from "../components/error-message.js";
import { formatTime } from "../format.js";
import { useApi } from "../hooks/use-api.js";
import { href } from "../router.js";

/** The saved blocks (named first, then anonymous ones results needed). Secrets are masked by the server; the UI never asks for them. */
export function BlocksPage() {
  const docs = useApi((signal) => apiGet("/block-documents", { includeAnonymous: true }, { signal }), []);
  return (
    <section>
      <h1>Blocks</h1>
      <p class="muted">Storage configurations saved in the metadata store. Secret fields are never sent to this page.</p>
      {docs.error !== undefined && <ErrorMessage error={docs.error} />}
      {docs.data === undefined ? (
        docs.error === undefined && <Loading what="blocks" />
      ) : docs.data.items.length === 0 ? (
        <p class="muted empty">No blocks are saved.</p>
      ) : (
        <table class="table blocks">
          <thead>
            <tr>
              <th>Block</th>
              <th>Type</th>
              <th>Secret fields</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {[...docs.data.items]
              .sort((a, b) => Number(a.isAnonymous) - Number(b.isAnonymous))
              .map((d) => (
                <tr key={d.id}>
                  <td>
                    <a href={href("blocks", d.id)}>{d.isAnonymous ? `${d.blockTypeSlug} (anonymous)` : `${d.blockTypeSlug}/${d.name}`}</a>
                  </td>
                  <td>{d.blockTypeSlug}</td>
                  <td>{d.secretFields.length === 0 ? "–" : d.secretFields.join(", ")}</td>
                  <td class="nowrap">{formatTime(d.updated)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
