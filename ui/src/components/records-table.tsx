import type { PreviewCell } from "../api/api-client.js";

/** An array of records as a table: its columns, its first rows, and how many there are in all. */
export function RecordsTable({ columns, rows, totalRows }: { columns: string[]; rows: PreviewCell[][]; totalRows: number }) {
  return (
    <div class="records">
      <p class="muted">
        {totalRows} record{totalRows === 1 ? "" : "s"}
        {rows.length < totalRows ? `, the first ${rows.length} shown` : ""}; {columns.length} column{columns.length === 1 ? "" : "s"}
      </p>
      <div class="scroll-x">
        <table class="table records-table">
          <thead>
            <tr>
              <th class="muted">#</th>
              {columns.map((c) => (
                <th key={c}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <tr key={i}>
                <td class="muted">{i}</td>
                {row.map((cell, j) => (
                  <td key={j} class={`type-${cell.type}`}>
                    {cell.text}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
