import { describe, expect, it } from 'vitest';
import { StaleLockTokenError } from '../../../lambdas/security-responder/ip-set';
import { SECURITY_RULES } from '../../../lib/config/security';
import { getStageConfig } from '../../../lib/config/stages';
import { clientAddress } from '../../../local/gateway/server';
import { matchesPattern } from '../../../local/security/event-pattern';
import { LocalIpSet, LocalWaf } from '../../../local/security/ip-sets';
import { localSecurityConfig } from '../../../local/security/runtime';
import {
  archivedFinding,
  awsApiCallFinding,
  ipv6Finding,
  mediumFinding,
  networkConnectionFinding,
  noSeverityUpdate,
} from '../../fixtures/guardduty';

const rulesFor = (event: unknown) =>
  SECURITY_RULES.filter((r) => matchesPattern(r.pattern, event)).map((r) => r.id);

const cloudTrail = (detailType: string, source: string, detail: Record<string, unknown>) => ({
  version: '0',
  id: 'ct-1',
  'detail-type': detailType,
  source,
  account: '123456789012',
  time: '2026-12-02T02:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail,
});

describe('security EventBridge rules (lib/config/security.ts) on documented event shapes', () => {
  it('routes GuardDuty findings by severity band; an update without severity matches nothing', () => {
    expect(rulesFor(networkConnectionFinding)).toEqual(['GuardDutyHigh']);
    expect(rulesFor(awsApiCallFinding)).toEqual(['GuardDutyHigh']);
    expect(rulesFor(ipv6Finding)).toEqual(['GuardDutyHigh']);
    // Archived findings still match the band: the responder ignores them (reason archived), without error.
    expect(rulesFor(archivedFinding)).toEqual(['GuardDutyHigh']);
    expect(rulesFor(mediumFinding)).toEqual(['GuardDutyMedium']);
    expect(rulesFor(noSeverityUpdate)).toEqual([]);
    const at = (severity: number) =>
      rulesFor({
        ...networkConnectionFinding,
        detail: { ...(networkConnectionFinding.detail as object), severity },
      });
    expect(at(7)).toEqual(['GuardDutyHigh']);
    expect(at(6.9)).toEqual(['GuardDutyMedium']);
    expect(at(4)).toEqual(['GuardDutyMedium']);
    expect(at(3.9)).toEqual([]);
  });

  it('routes CloudTrail alerts: root use, console login without MFA, access keys, WAF/authorizer/usage-plan changes', () => {
    expect(
      rulesFor(
        cloudTrail('AWS Console Sign In via CloudTrail', 'aws.signin', {
          eventName: 'ConsoleLogin',
          userIdentity: { type: 'Root' },
          additionalEventData: { MFAUsed: 'No' },
        }),
      ),
    ).toEqual(['RootAccountUse', 'ConsoleLoginWithoutMfa']);
    expect(
      rulesFor(
        cloudTrail('AWS Console Sign In via CloudTrail', 'aws.signin', {
          eventName: 'ConsoleLogin',
          userIdentity: { type: 'IAMUser' },
          additionalEventData: { MFAUsed: 'Yes' },
        }),
      ),
    ).toEqual([]);
    expect(
      rulesFor(
        cloudTrail('AWS API Call via CloudTrail', 'aws.iam', {
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreateAccessKey',
          userIdentity: { type: 'IAMUser' },
        }),
      ),
    ).toEqual(['AccessKeyCreated']);
    expect(
      rulesFor(
        cloudTrail('AWS API Call via CloudTrail', 'aws.wafv2', {
          eventSource: 'wafv2.amazonaws.com',
          eventName: 'UpdateIPSet',
          userIdentity: { type: 'AssumedRole' },
        }),
      ),
    ).toEqual(['WafChanged']);
    expect(
      rulesFor(
        cloudTrail('AWS API Call via CloudTrail', 'aws.wafv2', {
          eventSource: 'wafv2.amazonaws.com',
          eventName: 'GetIPSet',
        }),
      ),
    ).toEqual([]);
    expect(
      rulesFor(
        cloudTrail('AWS API Call via CloudTrail', 'aws.apigateway', {
          eventSource: 'apigateway.amazonaws.com',
          eventName: 'UpdateUsagePlan',
        }),
      ),
    ).toEqual(['GatewayAuthChanged']);
    expect(
      rulesFor(
        cloudTrail('AWS API Call via CloudTrail', 'aws.lambda', {
          eventSource: 'lambda.amazonaws.com',
          eventName: 'UpdateFunctionCode20150331v2',
          requestParameters: { functionName: 'marketedge-prod-authorizer' },
        }),
      ),
    ).toEqual(['AuthorizerFunctionChanged']);
    expect(
      rulesFor(
        cloudTrail('AWS API Call via CloudTrail', 'aws.lambda', {
          eventSource: 'lambda.amazonaws.com',
          eventName: 'UpdateFunctionCode20150331v2',
          requestParameters: { functionName: 'marketedge-prod-reports' },
        }),
      ),
    ).toEqual([]);
  });

  it('matches pattern operators like EventBridge: numeric pairs, prefix, suffix, exists, anything-but, arrays', () => {
    expect(matchesPattern({ a: [{ numeric: ['>', 1, '<=', 3] }] }, { a: 3 })).toBe(true);
    expect(matchesPattern({ a: [{ numeric: ['>', 1, '<=', 3] }] }, { a: 1 })).toBe(false);
    expect(matchesPattern({ a: [{ numeric: ['>', 1] }] }, { a: '5' })).toBe(false);
    expect(matchesPattern({ a: [{ exists: false }] }, {})).toBe(true);
    expect(matchesPattern({ a: [{ exists: true }] }, {})).toBe(false);
    expect(matchesPattern({ a: [{ 'anything-but': ['x'] }] }, { a: 'y' })).toBe(true);
    expect(matchesPattern({ a: [{ 'anything-but': 'x' }] }, { a: 'x' })).toBe(false);
    expect(matchesPattern({ a: ['x'] }, { a: ['y', 'x'] })).toBe(true);
    expect(matchesPattern({ a: { b: ['x'] } }, { a: 'x' })).toBe(false);
    expect(() => matchesPattern({ a: [{ numeric: ['~', 1] }] }, { a: 1 })).toThrow(/operator/);
  });
});

describe('local WAF and source address', () => {
  it('takes the X-Forwarded-For address only from a loopback peer, and only a valid one', () => {
    expect(clientAddress('127.0.0.1', '198.51.100.7, 10.0.0.1')).toBe('198.51.100.7');
    expect(clientAddress('::1', '2001:db8::1')).toBe('2001:db8::1');
    expect(clientAddress('::ffff:127.0.0.1', '::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(clientAddress('203.0.113.9', '198.51.100.7')).toBe('203.0.113.9');
    expect(clientAddress('127.0.0.1', 'not-an-ip')).toBe('127.0.0.1');
    expect(clientAddress(undefined, undefined)).toBe('127.0.0.1');
  });

  it('blocks IPv4 and IPv6 addresses the IP sets hold, with WAF lock-token semantics', async () => {
    const waf = new LocalWaf();
    const v6 = await waf.ipSets[6].get();
    await waf.ipSets[6].update(['2001:db8::/64'], v6.lockToken);
    await expect(waf.ipSets[6].update([], v6.lockToken)).rejects.toBeInstanceOf(StaleLockTokenError);
    const v4 = await waf.ipSets[4].get();
    await waf.ipSets[4].update(['198.51.100.10/32'], v4.lockToken);
    expect(waf.blocks('198.51.100.10')).toBe(true);
    expect(waf.blocks('198.51.100.11')).toBe(false);
    expect(waf.blocks('2001:db8::bad')).toBe(true);
    expect(waf.blocks('2001:db9::1')).toBe(false);
    await expect(new LocalIpSet(4).update(['2001:db8::1/128'], '0')).rejects.toThrow(/invalid address/);
  });

  it('local config keeps the stage allowlist, adds loopback, and takes a short block expiry from the env', () => {
    const stage = getStageConfig('dev').security;
    const c = localSecurityConfig(stage, { LOCAL_SECURITY_BLOCK_TTL_SEC: '3' });
    expect(c.allowlist).toEqual([...stage.allowlist, '127.0.0.0/8', '::1/128']);
    expect(c.blockTtlSec).toEqual({ finding: 3, bruteForce: 3 });
    expect(localSecurityConfig(stage, {}).blockTtlSec).toEqual(stage.blockTtlSec);
    expect(() => localSecurityConfig(stage, { LOCAL_SECURITY_BLOCK_TTL_SEC: '0' })).toThrow(/whole number/);
  });
});
