import { apiGet } from "../api/api-client.js";
import { ErrorMessage, Loading } from "../components/error-message.js";
import { Facts } from "../components/facts.js";
import { formatTime } from "../format.js";
import { useApi } from "../hooks/use-api.js";
import { href } from "../router.js";

/** One saved block: its fields, secret ones masked by the server. */
export function BlockPage({ id }: { id: string }) {
  const doc = useApi((signal) => apiGet("/block-documents/{id}", { id }, { signal }), [id]);
  if (doc.error !== undefined) return <ErrorMessage error={doc.error} />;
  if (doc.data === undefined) return <Loading what="the block" />;
  const d = doc.data;
  const secret = new Set(d.secretFields);
  return (
    <section>
      <p class="crumbs">
        <a href={href("blocks")}>Blocks</a>
      </p>
      <h1>{d.isAnonymous ? `${d.blockTypeSlug} (anonymous)` : `${d.blockTypeSlug}/${d.name}`}</h1>
      <Facts
        items={[
          ["Id", <code>{d.id}</code>],
          ["Type", d.blockTypeSlug],
          ["Name", d.name],
          ["Anonymous", d.isAnonymous ? "yes: saved when a result needed this storage" : "no"],
          ["Created", formatTime(d.created)],
          ["Updated", formatTime(d.updated)],
        ]}
      />
      <h2>Fields</h2>
      <table class="table block-fields">
        <thead>
          <tr>
            <th>Field</th>
            <th>Value</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(d.data).map(([field, value]) => (
            <tr key={field}>
              <td>
                <code>{field}</code> {secret.has(field) && <span class="badge secret">secret</span>}
              </td>
              <td>
                <code class="break">{typeof value === "string" ? value : JSON.stringify(value)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
