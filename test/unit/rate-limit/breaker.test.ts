import { describe, expect, it } from 'vitest';
import { CircuitBreaker, CircuitBreakers, CircuitOpenError } from '../../../lambdas/shared/rate-limit';

const fail = () => Promise.reject(new Error('ECONNREFUSED'));
const ok = () => Promise.resolve('ok');

function clock() {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('CircuitBreaker', () => {
  it('opens after `threshold` sequential failures and fails fast while open', async () => {
    const c = clock();
    const b = new CircuitBreaker({ timeoutMs: 50, threshold: 3, cooldownMs: 1_000, now: c.now });
    for (let i = 0; i < 2; i++) await expect(b.exec(fail)).rejects.toThrow('ECONNREFUSED');
    expect(b.state).toBe('closed');
    await expect(b.exec(fail)).rejects.toThrow('ECONNREFUSED');
    expect(b.state).toBe('open');
    await expect(b.exec(ok)).rejects.toBeInstanceOf(CircuitOpenError);
    c.advance(1_000);
    expect(await b.exec(ok)).toBe('ok');
    expect(b.state).toBe('closed');
  });

  it('counts calls that were in flight together as one failure (one stall is not `threshold` failures)', async () => {
    const b = new CircuitBreaker({ timeoutMs: 50, threshold: 3, cooldownMs: 1_000 });
    // 64 concurrent calls fail together: the previous behaviour counted 64 failures and opened the circuit.
    const all = await Promise.allSettled(Array.from({ length: 64 }, () => b.exec(fail)));
    expect(all.every((r) => r.status === 'rejected')).toBe(true);
    expect(b.state).toBe('closed');
    // Two more sequential failures (each started after the previous one was counted) reach the threshold.
    await expect(b.exec(fail)).rejects.toThrow();
    expect(b.state).toBe('closed');
    await expect(b.exec(fail)).rejects.toThrow();
    expect(b.state).toBe('open');
  });

  it('times out a hanging call and counts it', async () => {
    const b = new CircuitBreaker({ timeoutMs: 10, threshold: 1, cooldownMs: 1_000 });
    await expect(b.exec(() => new Promise<never>(() => undefined))).rejects.toThrow(/timed out after 10 ms/);
    expect(b.state).toBe('open');
  });
});

describe('CircuitBreakers (one per shard)', () => {
  it('a failing shard opens only its own circuit', async () => {
    const set = new CircuitBreakers({ timeoutMs: 50, threshold: 2, cooldownMs: 1_000 });
    for (let i = 0; i < 2; i++) await expect(set.for('10.0.0.1:6379').exec(fail)).rejects.toThrow();
    expect(set.for('10.0.0.1:6379').state).toBe('open');
    expect(await set.for('10.0.0.2:6379').exec(ok)).toBe('ok');
    expect(set.openShards()).toEqual(['10.0.0.1:6379']);
    // The promoted replica has another address: a fresh, closed circuit.
    expect(set.for('10.0.0.4:6379').state).toBe('closed');
  });

  it('keeps at most maxShards breakers', () => {
    const set = new CircuitBreakers({ timeoutMs: 50, threshold: 2, cooldownMs: 1_000 }, 2);
    const a = set.for('a');
    set.for('b');
    set.for('c'); // drops a
    expect(set.for('a')).not.toBe(a);
  });
});
