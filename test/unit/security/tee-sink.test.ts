import { describe, expect, it } from 'vitest';
import { type SecurityEventSink, teeSink } from '../../../lambdas/shared/security/event';

describe('teeSink', () => {
  const event = { type: 'AuthFailed' } as unknown as Parameters<SecurityEventSink>[0];

  it('writes each event to the primary sink, then to the extra one', () => {
    const seen: string[] = [];
    const sink = teeSink(
      () => seen.push('primary'),
      () => seen.push('extra'),
    );
    sink(event);
    expect(seen).toEqual(['primary', 'extra']);
  });

  it('is the primary sink itself without an extra one', () => {
    const primary = (): void => {};
    expect(teeSink(primary)).toBe(primary);
  });
});
