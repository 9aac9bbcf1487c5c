import { apiGet } from "../api/api-client.js";
import { ErrorMessage, Loading } from "../components/error-message.js";
import { formatTime } from "../format.js";
import { useApi } from "../hooks/use-api.js";
import { href } from "../router.js";

/** The tasks that have cache entries; each links to its cache page. */
export function CachesPage() {
  const tasks = useApi((signal) => apiGet("/caches", {}, { signal }), []);
  return (
    <section>
      <h1>Caches</h1>
      <p class="muted">Tasks with a cache key function or policy, by the most recently written entry.</p>
      {tasks.error !== undefined && <ErrorMessage error={tasks.error} />}
      {tasks.data === undefined ? (
        tasks.error === undefined && <Loading what="caches" />
      ) : tasks.data.items.length === 0 ? (
        <p class="muted empty">No task has cache entries yet. Give a task a cacheKeyFn or a cachePolicy to cache its results.</p>
      ) : (
        <table class="table caches">
          <thead>
            <tr>
              <th>Task</th>
              <th>Task key</th>
              <th>Runs that wrote an entry</th>
              <th>Last written</th>
            </tr>
          </thead>
          <tbody>
            {tasks.data.items.map((t) => (
              <tr key={t.taskKey}>
                <td>
                  <a href={href("caches", t.taskKey)}>{t.taskName}</a>
                </td>
                <td>
                  <code class="break">{t.taskKey}</code>
                </td>
                <td>{t.writes}</td>
                <td class="nowrap">{formatTime(t.lastWritten)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
