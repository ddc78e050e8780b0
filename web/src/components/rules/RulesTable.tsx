import { useMemo } from 'react';
import type { Rule } from '../../api/types';
import { type Column, DataTable } from '../DataTable';
import { summarizeRule } from './rule-change';

/**
 * A rule list as a table. `isEditable(rule)` decides which rows get Edit/Remove (e.g. only per-user rules for
 * tenant-admins). Callbacks should be stable (`useCallback`): rows are memoized, so editing one rule does not
 * re-render a thousand others.
 */
export function RulesTable({
  rules,
  caption,
  isEditable = notEditable,
  onEdit,
  onDelete,
}: {
  rules: readonly Rule[];
  caption: string;
  isEditable?: (rule: Rule) => boolean;
  onEdit?: (rule: Rule) => void;
  onDelete?: (rule: Rule) => void;
}) {
  const columns = useMemo<Column<Rule>[]>(
    () => [
      { id: 'rule', header: 'Rule', rowHeader: true, cell: (r) => <code>{r.id}</code> },
      { id: 'limit', header: 'Limit', cell: summarizeRule },
      {
        id: 'actions',
        header: 'Actions',
        headerHidden: true,
        cell: (r) =>
          isEditable(r) && (
            <span className="actions">
              <button
                type="button"
                className="secondary"
                onClick={() => onEdit?.(r)}
                aria-label={`Edit ${r.id}`}
              >
                Edit
              </button>
              <button
                type="button"
                className="secondary"
                onClick={() => onDelete?.(r)}
                aria-label={`Remove ${r.id}`}
              >
                Remove
              </button>
            </span>
          ),
      },
    ],
    [isEditable, onEdit, onDelete],
  );
  return (
    <DataTable caption={caption} columns={columns} rows={rules} rowKey={(r) => r.id} empty="No rules." />
  );
}

function notEditable(): boolean {
  return false;
}
