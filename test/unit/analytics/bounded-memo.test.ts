import { describe, expect, it, vi } from 'vitest';
import { BoundedMemo } from '../../../lambdas/shared/analytics/bounded-memo';

describe('BoundedMemo', () => {
  it('computes a key once while it is kept and drops the least recently used beyond its size', () => {
    const compute = vi.fn((k: string) => k.length);
    const memo = new BoundedMemo<number>(2);
    expect(memo.get('a', compute)).toBe(1);
    expect(memo.get('bb', compute)).toBe(2);
    expect(memo.get('a', compute)).toBe(1); // a hit: 'a' is now the most recently used
    expect(compute).toHaveBeenCalledTimes(2);
    expect(memo.get('ccc', compute)).toBe(3); // full: 'bb' goes
    expect(memo.get('a', compute)).toBe(1);
    expect(compute).toHaveBeenCalledTimes(3);
    expect(memo.get('bb', compute)).toBe(2);
    expect(compute).toHaveBeenCalledTimes(4);
  });

  it('keeps falsy values (0, empty string) and forgets everything on clear()', () => {
    const compute = vi.fn(() => 0);
    const memo = new BoundedMemo<number>(10);
    memo.get('x', compute);
    memo.get('x', compute);
    expect(compute).toHaveBeenCalledTimes(1);
    memo.clear();
    memo.get('x', compute);
    expect(compute).toHaveBeenCalledTimes(2);
  });
});
