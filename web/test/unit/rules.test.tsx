import { describe, expect, it } from 'vitest';
import {
  applyChange,
  diffRules,
  ruleFieldErrors,
  summarizeRule,
} from '../../src/components/rules/rule-change';
import { makeRule, tierRules } from '../factories';

describe('rule changes', () => {
  it('summaries of the standard tier rules (small, stable output)', () => {
    expect(tierRules('standard').map(summarizeRule)).toMatchInlineSnapshot(`
      [
        "1200 per 60 s (burst 100), tenant",
        "300 per 60 s (burst 30), each user",
        "60 per 60 s (burst 10), each user on write routes",
        "20000 per day, tenant",
      ]
    `);
    expect(
      summarizeRule(
        makeRule({ id: 'r', subject: 'bob', match: { route: 'POST /v1/reports' }, mode: 'shadow' }),
      ),
    ).toBe('10 per 60 s, user bob on POST /v1/reports (shadow)');
  });

  it('applies upserts in place (also renames), appends new rules, deletes', () => {
    const a = makeRule({ id: 'a' });
    const b = makeRule({ id: 'b' });
    expect(applyChange([a, b], { kind: 'upsert', rule: { ...a, limit: 1 } }).map((r) => r.limit)).toEqual([
      1, 10,
    ]);
    expect(
      applyChange([a, b], { kind: 'upsert', rule: { ...a, id: 'a2' }, replaces: 'a' }).map((r) => r.id),
    ).toEqual(['a2', 'b']);
    expect(applyChange([a], { kind: 'upsert', rule: b }).map((r) => r.id)).toEqual(['a', 'b']);
    expect(applyChange([a, b], { kind: 'delete', id: 'a' })).toEqual([b]);
  });

  it('diffs lists by id', () => {
    const a = makeRule({ id: 'a' });
    const b = makeRule({ id: 'b' });
    const c = makeRule({ id: 'c' });
    const d = diffRules([a, b], [{ ...a, limit: 99 }, c]);
    expect(d.added.map((r) => r.id)).toEqual(['c']);
    expect(d.removed.map((r) => r.id)).toEqual(['b']);
    expect(d.changed.map((x) => x.after.limit)).toEqual([99]);
  });

  it('maps API error paths to the edited rule’s fields', () => {
    expect(
      ruleFieldErrors(
        [
          { path: 'rules.2.limit', message: 'too big' },
          { path: 'rules.2.match.limitClass', message: 'bad' },
          { path: 'rules.2', message: 'whole rule' },
          { path: 'rules.0.id', message: 'dup' },
        ],
        2,
      ),
    ).toEqual({
      limit: 'too big',
      'match.limitClass': 'bad',
      _rule: 'whole rule',
      _other: 'rules.0.id: dup',
    });
  });
});
