// Hash routing (`/#/flow-runs/<id>`): the server serves one page at /, and every view has a
// link that can be bookmarked or shared.
import { useEffect, useState } from "preact/hooks";

/** The current view: its path segments and query parameters. */
export interface Route {
  segments: string[];
  query: URLSearchParams;
}

function parse(hash: string): Route {
  const text = hash.replace(/^#/, "") || "/";
  const [path = "/", search = ""] = text.split("?", 2);
  return { segments: path.split("/").filter((s) => s !== "").map(decodeURIComponent), query: new URLSearchParams(search) };
}

/** The route of the page, updated on navigation. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parse(location.hash));
  useEffect(() => {
    const update = () => setRoute(parse(location.hash));
    addEventListener("hashchange", update);
    return () => removeEventListener("hashchange", update);
  }, []);
  return route;
}

/**
 * The `href` of a view: `href("flow-runs", id)` is `#/flow-runs/<id>`; query values that
 * are undefined or empty are left out.
 *
 * @example
 * ```ts
 * <a href={href("task-runs", run.id)}>...</a>
 * ```
 */
export function href(...parts: (string | Record<string, string | undefined>)[]): string {
  const segments = parts.filter((p): p is string => typeof p === "string").map(encodeURIComponent);
  const query = new URLSearchParams();
  for (const p of parts) {
    if (typeof p === "string") continue;
    for (const [k, v] of Object.entries(p)) if (v !== undefined && v !== "") query.set(k, v);
  }
  const q = query.toString();
  return `#/${segments.join("/")}${q === "" ? "" : `?${q}`}`;
}

/** Goes to a view (as a link would). */
export function navigate(to: string): void {
  location.hash = to.replace(/^#/, "");
}
