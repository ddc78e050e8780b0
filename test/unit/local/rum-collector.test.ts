import { describe, expect, it } from 'vitest';
import { LOCAL_RUM_APP_MONITOR_ID } from '../../../lib/config/console';
import { RUM_EVENT_TYPES } from '../../../lib/config/rum';
import { MAX_RUM_EVENTS, RumCollector, rumControl } from '../../../local/rum/collector';

const q = (s = '') => new URLSearchParams(s);
const batch = (n = 1, over: Record<string, unknown> = {}) => ({
  BatchId: 'b-1',
  AppMonitorDetails: { id: LOCAL_RUM_APP_MONITOR_ID, version: '1.0.0' },
  UserDetails: { sessionId: 's-1' },
  RumEvents: Array.from({ length: n }, (_, i) => ({
    id: `e-${i}`,
    timestamp: 1_700_000_000,
    type: RUM_EVENT_TYPES.lcp,
    details: '{"value":812}',
  })),
  ...over,
});
const path = `appmonitors/${LOCAL_RUM_APP_MONITOR_ID}`;

describe('local RUM collector (/_local/rum)', () => {
  it('keeps the events of a valid PutRumEvents batch, with session and receive time; GET filters by type', async () => {
    const c = new RumCollector(() => 0);
    const control = rumControl(c);
    expect(await control('POST', batch(2), q(), path)).toEqual({ status: 200, body: {} });
    const all = await control('GET', undefined, q(), '');
    expect(all.body).toMatchObject({
      batches: 1,
      events: [
        {
          id: 'e-0',
          sessionId: 's-1',
          appMonitorId: LOCAL_RUM_APP_MONITOR_ID,
          receivedAt: '1970-01-01T00:00:00.000Z',
        },
        { id: 'e-1' },
      ],
    });
    expect((await control('GET', undefined, q(`type=${RUM_EVENT_TYPES.cls}`), '')).body).toMatchObject({
      events: [],
    });
    await control('DELETE', undefined, q(), '');
    expect(c.view().events).toEqual([]);
  });

  it('refuses a bad batch with field paths (400), another app monitor (404), other methods (405)', async () => {
    const c = new RumCollector();
    const control = rumControl(c);
    const bad = await control(
      'POST',
      batch(1, { RumEvents: [{ id: 'x', timestamp: -1, type: 'nope', details: 1 }] }),
      q(),
      path,
    );
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: { path: string }[] }).errors.map((e) => e.path).sort()).toEqual([
      'RumEvents.0.details',
      'RumEvents.0.timestamp',
      'RumEvents.0.type',
    ]);
    expect((await control('POST', batch(101), q(), path)).status).toBe(400);
    const wrongId = await control(
      'POST',
      batch(1, { AppMonitorDetails: { id: 'other', version: '1' } }),
      q(),
      path,
    );
    expect((wrongId.body as { errors: { path: string }[] }).errors[0]?.path).toBe('AppMonitorDetails.id');
    expect((await control('POST', batch(), q(), 'appmonitors/other')).status).toBe(404);
    expect((await control('PUT', batch(), q(), path)).status).toBe(405);
    expect(c.view()).toMatchObject({ batches: 0, rejected: 3 });
  });

  it('keeps at most MAX_RUM_EVENTS events, dropping the oldest', async () => {
    const c = new RumCollector();
    const control = rumControl(c);
    for (let i = 0; i < MAX_RUM_EVENTS / 100 + 1; i++) await control('POST', batch(100), q(), path);
    expect(c.view().events).toHaveLength(MAX_RUM_EVENTS);
  });
});
