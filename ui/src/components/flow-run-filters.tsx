import { apiGet } from "../api/api-client.js";
import { useApi } from "../hooks/use-api.js";

/** The filters of the runs list, as the page's URL holds them. */
export interface FlowRunFilterValues {
  flow?: string;
  /** Comma-separated state types. */
  states?: string;
  tag?: string;
  /** `1h`, `24h`, `7d`, `30d`. */
  since?: string;
  /** `datetime-local` values. */
  from?: string;
  to?: string;
}

const STATE_TYPES = ["COMPLETED", "FAILED", "CRASHED", "CANCELLED", "RUNNING", "PENDING", "SCHEDULED", "PAUSED"];

/** The filters in a route's query. */
export function filtersFromQuery(query: URLSearchParams): FlowRunFilterValues {
  const out: FlowRunFilterValues = {};
  for (const key of ["flow", "states", "tag", "since", "from", "to"] as const) {
    const v = query.get(key);
    if (v !== null && v !== "") out[key] = v;
  }
  return out;
}

/** Flow name, state types, tag and time range of the runs list. */
export function FlowRunFilters({ values, onChange }: { values: FlowRunFilterValues; onChange: (next: FlowRunFilterValues) => void }) {
  const names = useApi((signal) => apiGet("/flow-names", {}, { signal }), []);
  const set = (change: Partial<FlowRunFilterValues>) => {
    const next: FlowRunFilterValues = { ...values, ...change };
    for (const k of Object.keys(next) as (keyof FlowRunFilterValues)[]) if (next[k] === undefined || next[k] === "") delete next[k];
    onChange(next);
  };
  const states = new Set((values.states ?? "").split(",").filter((s) => s !== ""));
  const custom = values.from !== undefined || values.to !== undefined;
  return (
    <form class="filters" onSubmit={(e) => e.preventDefault()}>
      <label>
        Flow
        <select name="flow" value={values.flow ?? ""} onChange={(e) => set({ flow: (e.currentTarget as HTMLSelectElement).value || undefined })}>
          <option value="">all flows</option>
          {(names.data?.items ?? (values.flow === undefined ? [] : [values.flow])).map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <label>
        State
        <select
          name="state"
          value={states.size === 1 ? [...states][0] : states.size === 0 ? "" : "several"}
          onChange={(e) => {
            const v = (e.currentTarget as HTMLSelectElement).value;
            set({ states: v === "" ? undefined : v === "problems" ? "FAILED,CRASHED,CANCELLED" : v });
          }}
        >
          <option value="">any state</option>
          <option value="problems">failed, crashed or cancelled</option>
          {STATE_TYPES.map((t) => (
            <option key={t} value={t}>
              {t.toLowerCase()}
            </option>
          ))}
          {states.size > 1 && <option value="several">{[...states].join(", ").toLowerCase()}</option>}
        </select>
      </label>
      <label>
        Tag
        <input
          name="tag"
          type="search"
          placeholder="any tag"
          value={values.tag ?? ""}
          onChange={(e) => set({ tag: (e.currentTarget as HTMLInputElement).value.trim() || undefined })}
        />
      </label>
      <label>
        Created
        <select
          name="since"
          value={custom ? "custom" : (values.since ?? "")}
          onChange={(e) => {
            const v = (e.currentTarget as HTMLSelectElement).value;
            if (v === "custom") set({ since: undefined, from: new Date(Date.now() - 86_400_000).toISOString().slice(0, 16) });
            else set({ since: v || undefined, from: undefined, to: undefined });
          }}
        >
          <option value="">any time</option>
          <option value="1h">in the last hour</option>
          <option value="24h">in the last 24 hours</option>
          <option value="7d">in the last 7 days</option>
          <option value="30d">in the last 30 days</option>
          <option value="custom">between…</option>
        </select>
      </label>
      {custom && (
        <>
          <label>
            from <input name="from" type="datetime-local" value={values.from ?? ""} onChange={(e) => set({ from: (e.currentTarget as HTMLInputElement).value || undefined })} />
          </label>
          <label>
            to <input name="to" type="datetime-local" value={values.to ?? ""} onChange={(e) => set({ to: (e.currentTarget as HTMLInputElement).value || undefined })} />
          </label>
        </>
      )}
      {Object.keys(values).length > 0 && (
        <button type="button" class="link" onClick={() => onChange({})}>
          clear filters
        </button>
      )}
    </form>
  );
}
