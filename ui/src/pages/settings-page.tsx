import { apiGet } from "../api/api-client.js";
import { ErrorMessage, Loading } from "../components/error-message.js";
import { formatBytes } from "../format.js";
import { useApi } from "../hooks/use-api.js";

/** The server's settings in effect, with where each comes from; secrets are masked by the server. */
export function SettingsPage() {
  const settings = useApi((signal) => apiGet("/settings", {}, { signal }), []);
  if (settings.error !== undefined) return <ErrorMessage error={settings.error} />;
  if (settings.data === undefined) return <Loading what="settings" />;
  const { items, profile, resultPreview } = settings.data;
  return (
    <section>
      <h1>Settings in effect</h1>
      <p class="muted">
        The server's settings (profile <code>{profile}</code>): environment variable, then the active profile, then the default. Secrets show as ********.
      </p>
      <div class={resultPreview.enabled ? "notice ok" : "notice"}>
        <strong>Result preview is {resultPreview.enabled ? "on" : "off"}</strong>
        {resultPreview.enabled ? ` (blobs up to ${formatBytes(resultPreview.maxBytes)}).` : <p>{resultPreview.reason}</p>}
      </div>
      <table class="table settings">
        <thead>
          <tr>
            <th>Setting</th>
            <th>Value</th>
            <th>From</th>
            <th>Default</th>
          </tr>
        </thead>
        <tbody>
          {items.map((s) => (
            <tr key={s.key} title={s.description}>
              <td>
                <code>{s.key}</code> {s.secret && <span class="badge secret">secret</span>}
                <div class="muted small">{s.description}</div>
              </td>
              <td>{s.value === null ? <span class="muted">unset</span> : <code class="break">{s.value}</code>}</td>
              <td>{s.source}</td>
              <td class="muted small">{s.default}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
