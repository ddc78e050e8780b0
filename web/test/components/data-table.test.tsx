import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { type Column, DataTable } from '../../src/components/DataTable';
import { Pager, useCursorPages } from '../../src/components/Pager';
import { axe } from '../render';

interface Fruit {
  id: string;
  name: string;
  count: number;
}

/** Counts cell renders per row id (to prove memoized rows). */
function fruitColumns(renders: Map<string, number>): Column<Fruit>[] {
  return [
    {
      id: 'name',
      header: 'Fruit',
      rowHeader: true,
      cell: (f) => {
        renders.set(f.id, (renders.get(f.id) ?? 0) + 1);
        return f.name;
      },
    },
    { id: 'count', header: 'Count', cell: (f) => f.count },
    {
      id: 'actions',
      header: 'Actions',
      headerHidden: true,
      cell: (f) => <button type="button">Eat {f.name}</button>,
    },
  ];
}

const FRUITS: Fruit[] = [
  { id: 'a', name: 'Apple', count: 3 },
  { id: 'b', name: 'Banana', count: 5 },
];

function Stock({ columns }: { columns: readonly Column<Fruit>[] }) {
  const [rows, setRows] = useState(FRUITS);
  return (
    <>
      <button type="button" onClick={() => setRows((r) => [r[0] as Fruit, { ...(r[1] as Fruit), count: 6 }])}>
        Buy banana
      </button>
      <DataTable caption="Stock" columns={columns} rows={rows} rowKey={(f) => f.id} empty="None." />
    </>
  );
}

function Paged({ tokens }: { tokens: Record<string, string | undefined> }) {
  const pages = useCursorPages();
  const next = tokens[pages.token ?? 'first'];
  return (
    <>
      <p>token {pages.token ?? 'first'}</p>
      <Pager label="Fruit pages" pages={pages} nextToken={next} />
      <button type="button" onClick={pages.reset}>
        Reset
      </button>
    </>
  );
}

describe('DataTable', () => {
  it('names the table by its caption, scopes column and row headers, hides an actions header visually', async () => {
    const { container } = render(
      <DataTable
        caption="Fruit stock"
        columns={fruitColumns(new Map())}
        rows={FRUITS}
        rowKey={(f) => f.id}
        empty="No fruit."
      />,
    );
    const table = screen.getByRole('table', { name: 'Fruit stock' });
    const headers = within(table).getAllByRole('columnheader');
    expect(headers.map((h) => h.textContent)).toEqual(['Fruit', 'Count', 'Actions']);
    for (const h of headers) expect(h).toHaveAttribute('scope', 'col');
    expect(headers[2]?.firstElementChild).toHaveClass('sr-only');
    const row = within(table).getByRole('row', { name: /Banana/ });
    expect(within(row).getByRole('rowheader', { name: 'Banana' })).toHaveAttribute('scope', 'row');
    expect(
      within(row)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['5', 'Eat Banana']);
    expect(await axe(container)).toHaveNoViolations();
  });

  it('shows the empty text in one full-width row, and a caption for screen readers only when asked', async () => {
    const { container } = render(
      <DataTable
        caption="Fruit stock"
        captionHidden
        columns={fruitColumns(new Map())}
        rows={[]}
        rowKey={(f) => f.id}
        empty="No fruit."
      />,
    );
    const table = screen.getByRole('table', { name: 'Fruit stock' });
    expect(table.querySelector('caption')).toHaveClass('sr-only');
    const cell = within(table).getByRole('cell', { name: 'No fruit.' });
    expect(cell).toHaveAttribute('colspan', '3');
    expect(await axe(container)).toHaveNoViolations();
  });

  it('re-renders only the rows whose object changed (stable columns)', async () => {
    const renders = new Map<string, number>();
    const columns = fruitColumns(renders);
    render(<Stock columns={columns} />);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Buy banana' }));
    expect(screen.getByRole('row', { name: /Banana/ })).toHaveTextContent('6');
    expect(renders.get('a')).toBe(1);
    expect(renders.get('b')).toBe(2);
  });
});

describe('Pager', () => {
  it('walks forward with the API tokens, back, and resets to the first page', async () => {
    const user = userEvent.setup();
    const { container } = render(<Paged tokens={{ first: 't2', t2: 't3', t3: undefined }} />);
    const nav = screen.getByRole('navigation', { name: 'Fruit pages' });
    const prev = within(nav).getByRole('button', { name: 'Previous page' });
    const next = within(nav).getByRole('button', { name: 'Next page' });
    expect(prev).toBeDisabled();
    await user.click(next);
    await user.click(next);
    expect(screen.getByText('token t3')).toBeVisible();
    expect(within(nav).getByText('Page 3')).toBeVisible();
    expect(next).toBeDisabled();
    await user.click(prev);
    expect(screen.getByText('token t2')).toBeVisible();
    await user.click(screen.getByRole('button', { name: 'Reset' }));
    expect(within(nav).getByText('Page 1')).toBeVisible();
    expect(prev).toBeDisabled();
    expect(await axe(container)).toHaveNoViolations();
  });
});
