import { memo, type ReactNode, useId } from 'react';
import { TableScroll } from './TableScroll';

/** One column of a {@link DataTable}. */
export interface Column<T> {
  /** Stable id of the column (React key). */
  id: string;
  /** Header text; read by screen readers even when {@link Column.headerHidden} hides it visually. */
  header: string;
  /** The header is for screen readers only (e.g. an "Actions" column of buttons). @default false */
  headerHidden?: boolean;
  /** The cell of a row. */
  cell: (row: T) => ReactNode;
  /** This column names the row: its cells are `<th scope="row">` (a row's accessible name). @default false */
  rowHeader?: boolean;
}

/** Props of {@link DataTable}. */
export interface DataTableProps<T> {
  /** The table's caption: its accessible name. */
  caption: string;
  /** Show the caption to screen readers only (the page heading already says it). @default false */
  captionHidden?: boolean;
  /** Columns, in order. Keep the array stable (module constant or `useMemo`) so memoized rows skip re-renders. */
  columns: readonly Column<T>[];
  rows: readonly T[];
  /** React key of a row (unique within `rows`). */
  rowKey: (row: T, index: number) => string;
  /** Shown in a single full-width row when `rows` is empty. */
  empty: ReactNode;
}

interface RowProps<T> {
  row: T;
  columns: readonly Column<T>[];
}

/** One row; memoized so that a list of thousands re-renders only the rows whose object changed. */
const DataRow = memo(function DataRow<T>({ row, columns }: RowProps<T>) {
  return (
    <tr>
      {columns.map((c) =>
        c.rowHeader ? (
          <th scope="row" key={c.id}>
            {c.cell(row)}
          </th>
        ) : (
          <td key={c.id}>{c.cell(row)}</td>
        ),
      )}
    </tr>
  );
}) as <T>(props: RowProps<T>) => ReactNode;

/**
 * The console's data table: a `<table class="table">` with a caption (its accessible name), `<th scope="col">`
 * headers, row headers where a column names the row, and an "empty" row. The pages and components that list things
 * (reports, tenants, audit, rules, usage, operations, security) all render through it. A table wider than the page
 * scrolls sideways inside its own box ({@link TableScroll}), never the page.
 */
export function DataTable<T>({
  caption,
  captionHidden = false,
  columns,
  rows,
  rowKey,
  empty,
}: DataTableProps<T>) {
  const captionId = useId();
  return (
    <TableScroll captionId={captionId}>
      <table className="table">
        <caption id={captionId} className={captionHidden ? 'sr-only' : undefined}>
          {caption}
        </caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" key={c.id}>
                {c.headerHidden ? <span className="sr-only">{c.header}</span> : c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length}>{empty}</td>
            </tr>
          ) : (
            rows.map((r, i) => <DataRow key={rowKey(r, i)} row={r} columns={columns} />)
          )}
        </tbody>
      </table>
    </TableScroll>
  );
}
