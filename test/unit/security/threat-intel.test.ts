import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getStageConfig, STAGE_NAMES, STAGES } from '../../../lib/config';
import { threatIntelConfigSchema, threatIntelLocation } from '../../../lib/config/security';
import {
  parseThreatIntelList,
  repositoryThreatList,
  THREAT_LIST_MAX_ENTRIES,
  ThreatIntelListError,
} from '../../../lib/security/threat-intel';

describe('threat-intel list (GuardDuty TXT)', () => {
  it('keeps entries only, canonical, in file order; comments and blank lines stay out', () => {
    const text = '# reviewed 2025-Q1\n\n203.0.113.7\n198.51.100.0/24\r\n  2001:DB8::1  \n# end\n';
    expect(parseThreatIntelList(text)).toEqual(['203.0.113.7/32', '198.51.100.0/24', '2001:db8::1/128']);
  });

  it('names every bad line: not an address, a duplicate after canonicalisation, a bad prefix', () => {
    const text = '203.0.113.7\nexample.com\n203.0.113.7/32\n10.0.0.0/33\n1.2.3.4 5.6.7.8\n';
    let err: unknown;
    try {
      parseThreatIntelList(text, 'list.txt');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ThreatIntelListError);
    expect((err as ThreatIntelListError).problems).toEqual([
      'line 2: "example.com" is not an IP address or CIDR',
      'line 3: 203.0.113.7/32 repeats line 1',
      'line 4: "10.0.0.0/33" is not an IP address or CIDR',
      'line 5: "1.2.3.4 5.6.7.8" is not an IP address or CIDR',
    ]);
    expect((err as Error).message).toContain('list.txt');
  });

  it('refuses an empty list and one over the GuardDuty cap', () => {
    expect(() => parseThreatIntelList('# nothing yet\n')).toThrow('no entry');
    expect(THREAT_LIST_MAX_ENTRIES).toBe(250_000);
    const four = '203.0.113.1\n203.0.113.2\n203.0.113.3\n203.0.113.4\n';
    expect(parseThreatIntelList(four, 'x', 4)).toHaveLength(4);
    expect(() => parseThreatIntelList(four, 'x', 3)).toThrow('4 entries, over the cap of 3');
  });

  it('the repository list is valid and what the stack uploads is its entries, one per line', () => {
    const body = repositoryThreatList();
    expect(body.endsWith('\n')).toBe(true);
    expect(body).not.toContain('#');
    expect(body.trim().split('\n').length).toBeGreaterThan(0);
    const dir = mkdtempSync(join(tmpdir(), 'intel-'));
    writeFileSync(join(dir, 'bad.txt'), '203.0.113.0/24\nnot-an-ip\n');
    expect(() => repositoryThreatList(join(dir, 'bad.txt'))).toThrow('line 2');
  });
});

describe('threat-intel stage config', () => {
  const ok = { key: 'threat-intel/ips.txt', format: 'TXT' };

  it('every stage names its list; a created detector needs one', () => {
    for (const s of STAGE_NAMES) expect(getStageConfig(s).security.threatIntel?.key).toBeTruthy();
    const dev = structuredClone(STAGES.dev) as { security: Record<string, unknown> };
    delete dev.security.threatIntel;
    expect(() => getStageConfig('dev', dev)).toThrow('security.threatIntel');
    dev.security.guardDuty = { mode: 'existing', detectorId: 'a'.repeat(32) };
    expect(getStageConfig('dev', dev).security.threatIntel).toBeUndefined();
  });

  it('an external list: bucket, key, any GuardDuty format, expected owner', () => {
    const ext = {
      bucket: 'acme-security-feeds',
      key: 'guardduty/threats.csv',
      format: 'OTX_CSV',
      expectedBucketOwner: '111122223333',
    };
    expect(threatIntelConfigSchema.parse(ext)).toEqual(ext);
    expect(threatIntelLocation(ext.bucket, ext.key)).toBe(
      'https://s3.amazonaws.com/acme-security-feeds/guardduty/threats.csv',
    );
  });

  it.each([
    [{ ...ok, format: 'CSV' }, 'format'],
    [{ ...ok, format: 'STIX' }, 'format must be TXT without a bucket'],
    [{ ...ok, bucket: 'Bad_Bucket' }, 'bucket'],
    [{ ...ok, bucket: '192.168.1.1' }, 'bucket'],
    [{ ...ok, bucket: 'a..b' }, 'bucket'],
    [{ ...ok, key: '/leading-slash' }, 'key'],
    [{ ...ok, key: 'has space.txt' }, 'key'],
    [{ ...ok, key: 'k'.repeat(260) }, 'within 300 characters'],
    [{ ...ok, expectedBucketOwner: '111122223333' }, 'only with bucket'],
    [{ ...ok, bucket: 'feeds', expectedBucketOwner: '12' }, '12-digit'],
    [{ ...ok, extra: true }, 'extra'],
  ])('refuses %j (%s)', (value, message) => {
    const r = threatIntelConfigSchema.safeParse(value);
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain(message);
  });
});
