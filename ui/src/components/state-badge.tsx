/** A run's state: its name on the colour of its type (`Cached` is a COMPLETED state). */
export function StateBadge({ type, name }: { type: string; name: string }) {
  return (
    <span class={`badge state-${type.toLowerCase()}`} title={type} data-state-type={type}>
      {name}
    </span>
  );
}
