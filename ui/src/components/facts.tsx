import type { ComponentChildren } from "preact";

/** A two-column list of facts: label, value. */
export function Facts({ items }: { items: [label: string, value: ComponentChildren][] }) {
  return (
    <dl class="facts">
      {items.map(([label, value]) => (
        <>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </>
      ))}
    </dl>
  );
}
