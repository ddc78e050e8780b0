import type { Rule } from '../../api/types';

/** One edit of a rule list: add or replace a rule (`replaces` = the id it had before), or remove one. */
export type RuleChange = { kind: 'upsert'; rule: Rule; replaces?: string } | { kind: 'delete'; id: string };

/**
 * Applies a change to a rule list (pure): an upsert replaces the rule with id `replaces ?? rule.id` in place or
 * appends it; a delete removes the id (no-op when absent). Used for the first save and to re-apply after a 412.
 */
export function applyChange(rules: readonly Rule[], change: RuleChange): Rule[] {
  if (change.kind === 'delete') return rules.filter((r) => r.id !== change.id);
  const target = change.replaces ?? change.rule.id;
  const i = rules.findIndex((r) => r.id === target);
  if (i < 0) return [...rules, change.rule];
  return rules.map((r, j) => (j === i ? change.rule : r));
}

/** What changed between two rule lists, by id. */
export interface RuleDiff {
  added: Rule[];
  removed: Rule[];
  changed: { before: Rule; after: Rule }[];
}

/** Compares two rule lists by id (a rule whose fields differ is `changed`). */
export function diffRules(before: readonly Rule[], after: readonly Rule[]): RuleDiff {
  const b = new Map(before.map((r) => [r.id, r]));
  const a = new Map(after.map((r) => [r.id, r]));
  return {
    added: after.filter((r) => !b.has(r.id)),
    removed: before.filter((r) => !a.has(r.id)),
    changed: after.flatMap((r) => {
      const old = b.get(r.id);
      return old && JSON.stringify(old) !== JSON.stringify(r) ? [{ before: old, after: r }] : [];
    }),
  };
}

/** "60 per 60 s (burst 10)" / "1000 per day", plus scope, subject, match and shadow mode. */
export function summarizeRule(r: Rule): string {
  const amount =
    r.kind === 'rate'
      ? `${r.limit} per ${r.periodSec} s${r.burst ? ` (burst ${r.burst})` : ''}`
      : `${r.limit} per ${r.window}`;
  const who = r.scope === 'user' ? (r.subject ? `user ${r.subject}` : 'each user') : 'tenant';
  const match = r.match?.route
    ? ` on ${r.match.route}`
    : r.match?.limitClass
      ? ` on ${r.match.limitClass} routes`
      : '';
  return `${amount}, ${who}${match}${r.mode === 'shadow' ? ' (shadow)' : ''}`;
}

/** The index of the rule a change concerns in the list that was sent (to place `rules.<i>.<field>` errors). */
export function changedIndex(sent: readonly Rule[], change: RuleChange): number {
  return change.kind === 'upsert' ? sent.findIndex((r) => r.id === change.rule.id) : -1;
}

/**
 * Field errors of a 400/403 for the rule at `index` of the sent list: `rules.<index>.<field>` → `{ field: message }`
 * (nested paths such as `match.limitClass` keep their tail). Other paths are returned under `_other`.
 */
export function ruleFieldErrors(
  errors: readonly { path: string; message: string }[],
  index: number,
): Record<string, string> {
  const out: Record<string, string> = {};
  const prefix = `rules.${index}.`;
  for (const e of errors) {
    const key = e.path.startsWith(prefix)
      ? e.path.slice(prefix.length)
      : e.path === `rules.${index}`
        ? '_rule'
        : '_other';
    out[key] = out[key]
      ? `${out[key]}; ${e.message}`
      : e.path.startsWith(prefix) || key === '_rule'
        ? e.message
        : `${e.path}: ${e.message}`;
  }
  return out;
}
