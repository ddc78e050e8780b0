import type { Rule } from '../../api/types';
import { diffRules, type RuleChange, summarizeRule } from './rule-change';

/**
 * The 412 answer: someone saved the list after it was loaded. Shows what they changed (loaded → current), what this
 * user wanted, and lets them re-apply their change on top of the current list or discard it.
 */
export function ConflictView({
  base,
  current,
  change,
  busy,
  onReapply,
  onDiscard,
}: {
  base: readonly Rule[];
  current: readonly Rule[];
  change: RuleChange;
  busy: boolean;
  onReapply: () => void;
  onDiscard: () => void;
}) {
  const diff = diffRules(base, current);
  const none = diff.added.length + diff.removed.length + diff.changed.length === 0;
  return (
    <section className="notice warning" role="alert" aria-labelledby="conflict-title">
      <h2 id="conflict-title">These limits changed while you were editing</h2>
      <p>Someone else saved the limits after you loaded them. Their changes:</p>
      {none ? (
        <p>No rule differs (only the version moved).</p>
      ) : (
        <ul>
          {diff.added.map((r) => (
            <li key={`a-${r.id}`}>
              Added <code>{r.id}</code>: {summarizeRule(r)}
            </li>
          ))}
          {diff.removed.map((r) => (
            <li key={`r-${r.id}`}>
              Removed <code>{r.id}</code>
            </li>
          ))}
          {diff.changed.map(({ before, after }) => (
            <li key={`c-${after.id}`}>
              Changed <code>{after.id}</code>: {summarizeRule(before)} → {summarizeRule(after)}
            </li>
          ))}
        </ul>
      )}
      <p>
        Your change:{' '}
        {change.kind === 'delete' ? (
          <>
            remove <code>{change.id}</code>
          </>
        ) : (
          <>
            <code>{change.rule.id}</code>: {summarizeRule(change.rule)}
          </>
        )}
      </p>
      <div className="actions">
        <button type="button" onClick={onReapply} disabled={busy}>
          Re-apply my change
        </button>
        <button type="button" className="secondary" onClick={onDiscard}>
          Discard my change
        </button>
      </div>
    </section>
  );
}
