import type { UsageEntry } from '../api/types';
import { formatDuration } from '../clock';
import { type Column, DataTable } from './DataTable';

/** One line describing a rule's limit: "60 per 1 min (burst 10)", "1000 per day". */
export function describeLimit(
  u: Pick<UsageEntry, 'kind' | 'limit' | 'periodSec' | 'burst' | 'window'>,
): string {
  if (u.kind === 'quota') return `${u.limit} per ${u.window ?? 'window'}`;
  const per = u.periodSec ? formatDuration(u.periodSec) : '?';
  return `${u.limit} per ${per}${u.burst ? ` (burst ${u.burst})` : ''}`;
}

const USAGE_COLUMNS: readonly Column<UsageEntry>[] = [
  { id: 'rule', header: 'Rule', rowHeader: true, cell: (u) => u.ruleId },
  { id: 'scope', header: 'Scope', cell: (u) => `${u.scope}${u.subject ? ` (${u.subject})` : ''}` },
  { id: 'limit', header: 'Limit', cell: describeLimit },
  {
    id: 'remaining',
    header: 'Remaining',
    cell: (u) => (
      <>
        <meter min={0} max={u.capacity} value={u.remaining} aria-label={`${u.ruleId} remaining`} />{' '}
        {u.remaining} of {u.capacity}
      </>
    ),
  },
  { id: 'resets', header: 'Resets in', cell: (u) => formatDuration(u.resetSec) },
  { id: 'mode', header: 'Mode', cell: (u) => u.mode },
];

/** Usage per rule: limit, remaining (with a meter), reset. */
export function UsageTable({ rules, caption }: { rules: UsageEntry[]; caption: string }) {
  if (rules.length === 0) return <p>No rules apply.</p>;
  return (
    <DataTable
      caption={caption}
      columns={USAGE_COLUMNS}
      rows={rules}
      rowKey={(u) => `${u.ruleId}/${u.userId ?? ''}`}
      empty=""
    />
  );
}
