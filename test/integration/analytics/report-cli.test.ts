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

describe('npm run analytics:report notes and refusals', () => {
  const env = () => ({ ANALYTICS_DIR: root, STAGE: 'dev' });
  const thursday = Date.parse('2026-11-12T10:00:00Z');

  it('says where this week is when the last complete week is empty, and marks a week that has not ended', async () => {
    const notes: string[] = [];
    // Week before 2026-11-02: 2026-10-26..11-01, no fixture events; "today" is the Thursday of the week after.
    await runReportCli(
      ['--date', '2026-11-02'],
      env(),
      (l) => notes.push(l),
      Date.parse('2026-11-05T10:00:00Z'),
    );
    expect(notes).toEqual([
      "note: no events in 2026-10-26..2026-11-01; this week's events (from 2026-11-02) are in next Monday's report — for the week so far: npm run analytics:report -- --date 2026-11-09, or npm run analytics -- events_per_day",
    ]);
    notes.length = 0;
    await runReportCli(['--date', '2026-11-16'], env(), (l) => notes.push(l), thursday);
    expect(notes).toEqual([
      'note: 2026-11-09..2026-11-15 has not ended yet (today is 2026-11-12): the report holds the events so far',
    ]);
  });

  it('refuses a --date whose week has not started', async () => {
    await expect(runReportCli(['--date', '2099-01-01'], env(), () => {}, thursday)).rejects.toThrow(
      /--date: the week before 2099-01-01 \(2098-12-22\.\.2098-12-28\) has not started yet/,
    );
  });
});
