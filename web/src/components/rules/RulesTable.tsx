import { memo } from 'react';
import type { Rule } from '../../api/types';
import { summarizeRule } from './rule-change';

interface RowProps {
  rule: Rule;
  editable: boolean;
  onEdit?: (rule: Rule) => void;
  onDelete?: (rule: Rule) => void;
}

/** One rule row; memoized so editing one rule does not re-render a thousand others. */
const RuleRow = memo(function RuleRow({ rule, editable, onEdit, onDelete }: RowProps) {
  return (
    <tr>
      <th scope="row">
        <code>{rule.id}</code>
      </th>
      <td>{summarizeRule(rule)}</td>
      <td>
        {editable && (
          <span className="actions">
            <button
              type="button"
              className="secondary"
              onClick={() => onEdit?.(rule)}
              aria-label={`Edit ${rule.id}`}
            >
              Edit
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => onDelete?.(rule)}
              aria-label={`Remove ${rule.id}`}
            >
              Remove
            </button>
          </span>
        )}
      </td>
    </tr>
  );
});

/**
 * A rule list as a table. `isEditable(rule)` decides which rows get Edit/Remove (e.g. only per-user rules for
 * tenant-admins). Callbacks should be stable (`useCallback`) to keep rows memoized.
 */
export function RulesTable({
  rules,
  caption,
  isEditable = () => false,
  onEdit,
  onDelete,
}: {
  rules: readonly Rule[];
  caption: string;
  isEditable?: (rule: Rule) => boolean;
  onEdit?: (rule: Rule) => void;
  onDelete?: (rule: Rule) => void;
}) {
  return (
    <table className="table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Rule</th>
          <th scope="col">Limit</th>
          <th scope="col">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rules.length === 0 ? (
          <tr>
            <td colSpan={3}>No rules.</td>
          </tr>
        ) : (
          rules.map((r) => (
            <RuleRow key={r.id} rule={r} editable={isEditable(r)} onEdit={onEdit} onDelete={onDelete} />
          ))
        )}
      </tbody>
    </table>
  );
}
