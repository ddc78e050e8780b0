import type { UsageEntry } from '../api/types';
import { formatDuration } from '../clock';

/** One line describing a rule's limit: "60 per 1 min (burst 10)", "1000 per day". */
export function describeLimit(
  u: Pick<UsageEntry, 'kind' | 'limit' | 'periodSec' | 'burst' | 'window'>,
): string {
  if (u.kind === 'quota') return `${u.limit} per ${u.window ?? 'window'}`;
  const per = u.periodSec ? formatDuration(u.periodSec) : '?';
  return `${u.limit} per ${per}${u.burst ? ` (burst ${u.burst})` : ''}`;
}

/** Usage per rule: limit, remaining (with a meter), reset. */
export function UsageTable({ rules, caption }: { rules: UsageEntry[]; caption: string }) {
  if (rules.length === 0) return <p>No rules apply.</p>;
  return (
    <table className="table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Rule</th>
          <th scope="col">Scope</th>
          <th scope="col">Limit</th>
          <th scope="col">Remaining</th>
          <th scope="col">Resets in</th>
          <th scope="col">Mode</th>
        </tr>
      </thead>
      <tbody>
        {rules.map((u) => (
          <tr key={`${u.ruleId}/${u.userId ?? ''}`}>
            <th scope="row">{u.ruleId}</th>
            <td>
              {u.scope}
              {u.subject ? ` (${u.subject})` : ''}
            </td>
            <td>{describeLimit(u)}</td>
            <td>
              <meter min={0} max={u.capacity} value={u.remaining} aria-label={`${u.ruleId} remaining`} />{' '}
              {u.remaining} of {u.capacity}
            </td>
            <td>{formatDuration(u.resetSec)}</td>
            <td>{u.mode}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
