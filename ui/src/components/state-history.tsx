import type { State } from "../api/api-client.js";
import { formatTime } from "../format.js";
import { StateBadge } from "./state-badge.js";

/** Every state of a run, oldest first, with its time and message. */
export function StateHistory({ states }: { states: State[] }) {
  if (states.length === 0) return <p class="muted">No states recorded.</p>;
  return (
    <table class="table state-history">
      <thead>
        <tr>
          <th>State</th>
          <th>Time</th>
          <th>Message</th>
        </tr>
      </thead>
      <tbody>
        {states.map((s) => (
          <tr key={s.id}>
            <td>
              <StateBadge type={s.type} name={s.name} />
            </td>
            <td class="nowrap">{formatTime(s.timestamp)}</td>
            <td class="message">{s.message ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
