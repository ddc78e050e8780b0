import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReportCli } from '../../../local/analytics/report';
import { writeFixtureStore } from '../../unit/analytics/fixture';

let root: string;
beforeAll(() => {
  root = writeFixtureStore('analytics-report-');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('npm run analytics:report', () => {
  it('writes the HTML report with charts and the CSV for the week of the fixed data set', async () => {
    const [html, csv] = await runReportCli(['--date', '2026-11-09'], { ANALYTICS_DIR: root, STAGE: 'dev' });
    expect(html).toBe(join(root, 'reports', 'weekly-2026-11-02.html'));
    const text = readFileSync(html!, 'utf8');
    // The fixture's 2026-11-02..08 events: 16 distinct (one duplicate counted once).
    expect(text).toContain('<p>16 events.');
    expect(text.match(/<svg /g)).toHaveLength(3);
    const lines = readFileSync(csv!, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('dt,tenant_id,vertical,name,events,users');
    expect(lines.slice(1).reduce((s, l) => s + Number(l.split(',')[4]), 0)).toBe(16);
    await expect(runReportCli(['--date', 'monday'], { ANALYTICS_DIR: root })).rejects.toThrow(/--date/);
  });
});
