import { apiGet } from "../api/api-client.js";
import { useApi } from "../hooks/use-api.js";

/** The server's health and version, checked every 10 seconds. */
export function HealthFooter() {
  const health = useApi((signal) => apiGet("/health", {}, { signal }), [], { refreshMs: () => 10_000 });
  return (
    <footer class="footer">
      {health.error !== undefined ? (
        <span class="health-down">● Server unreachable: {health.error.message}</span>
      ) : health.data === undefined ? (
        <span class="muted">Checking the server…</span>
      ) : (
        <span class="health-ok">
          ● Cairn {health.data.version} · server {health.data.status} · {health.data.database}
        </span>
      )}
      <span class="muted">
        <a href="/api/openapi.json">API</a>
      </span>
    </footer>
  );
}
