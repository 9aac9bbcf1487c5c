import type { ApiError } from "../api/api-client.js";

/** An error from the API, as the API worded it (what happened, why, what to do). */
export function ErrorMessage({ error, title }: { error: ApiError; title?: string }) {
  return (
    <div class="error-box" role="alert">
      <strong>{title ?? (error.status === 404 ? "Not found" : "Something went wrong")}</strong>
      <p>{error.message}</p>
      {error.code !== "HTTP_ERROR" && <code class="muted">{error.code}</code>}
    </div>
  );
}

/** "Loading…", shown while the first answer is on its way. */
export function Loading({ what }: { what: string }) {
  return <p class="muted loading">Loading {what}…</p>;
}
