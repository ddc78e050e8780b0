import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { describe, expect, it } from 'vitest';
import { getStageConfig, STAGE_NAMES } from '../../lib/config';
import {
  CONSOLE_BASE_PATH,
  CONSOLE_CLIENT_IDS,
  CONSOLE_SCOPE,
  consoleRuntimeConfigSchema,
  RUM_FLAG,
} from '../../lib/config/console';
import { CONSOLE_HSTS_MAX_AGE_SEC, consoleSecurityHeaders } from '../../lib/config/console-headers';
import { rumAppMonitorName, rumDataPlaneEndpoint } from '../../lib/config/rum';
import { resolvedStageFlags } from '../../lib/constructs/feature-flags';
import { ConsoleStack, spaRouteFunction } from '../../lib/stacks/console-stack';
import { synthesized } from './support/synth';
import { type CfnResource, flatten, refId, resourcesOf } from './support/template';

type Json = Record<string, unknown>;

const only = (rs: Record<string, CfnResource>): [string, CfnResource] => {
  const entries = Object.entries(rs);
  expect(entries).toHaveLength(1);
  return entries[0]!;
};

/** Runs the CloudFront Function code (plain ES5 here) on a viewer request for `uri`. */
function runSpaFunction(code: string, uri: string): Json {
  const handler = new Function(`${code}\nreturn handler;`)() as (e: Json) => Json;
  return handler({ request: { uri, method: 'GET', headers: {} } });
}

describe('console stack without a build', () => {
  it('refuses to synthesize (run npm run build:web first) instead of deploying an empty console', () => {
    const app = new App();
    const apiStack = new Stack(app, 'Api');
    const restApi = new apigw.RestApi(apiStack, 'Api');
    restApi.root.addMethod('GET', new apigw.MockIntegration());
    const empty = mkdtempSync(join(tmpdir(), 'console-empty-'));
    try {
      expect(
        () => new ConsoleStack(app, 'Console', { config: getStageConfig('dev'), restApi, assetDir: empty }),
      ).toThrow(`console build missing: ${empty}/index.html not found (run npm run build:web first)`);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('console routing function (CloudFront viewer request)', () => {
  const code = spaRouteFunction(CONSOLE_BASE_PATH);
  it('serves index.html for client-side routes, files as they are, and redirects / and /console', () => {
    expect(runSpaFunction(code, '/console/reports/42')).toMatchObject({ uri: '/console/index.html' });
    expect(runSpaFunction(code, '/console/')).toMatchObject({ uri: '/console/index.html' });
    expect(runSpaFunction(code, '/console/assets/index-abc.js')).toMatchObject({
      uri: '/console/assets/index-abc.js',
    });
    expect(runSpaFunction(code, '/console/config.json')).toMatchObject({ uri: '/console/config.json' });
    for (const uri of ['/', '/console'])
      expect(runSpaFunction(code, uri)).toMatchObject({
        statusCode: 301,
        headers: { location: { value: '/console/' } },
      });
  });
});

describe.each(STAGE_NAMES)('console hosting — %s', (stage) => {
  const s = synthesized();
  const t = () => s.template(stage, 'Console');
  const config = getStageConfig(stage);
  const retained = config.removalPolicy === 'retain';

  const siteBucket = (): [string, CfnResource] => {
    const buckets = Object.entries(resourcesOf(t(), 'AWS::S3::Bucket')).filter(([id]) =>
      id.startsWith('Site'),
    );
    expect(buckets).toHaveLength(1);
    return buckets[0]!;
  };

  it('S3: private (all public access blocked, no website hosting), encrypted, TLS only, access-logged', () => {
    const [, bucket] = siteBucket();
    const p = bucket.Properties ?? {};
    expect(p.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(p.WebsiteConfiguration).toBeUndefined();
    expect(JSON.stringify(p.BucketEncryption)).toContain('AES256');
    expect(p.LoggingConfiguration).toMatchObject({ LogFilePrefix: 'site/' });
    expect(bucket.DeletionPolicy).toBe(retained ? 'Retain' : 'Delete');
  });

  it('origin access control: only this distribution (service principal + SourceArn) may read the bucket', () => {
    const [siteId] = siteBucket();
    const [, oac] = only(resourcesOf(t(), 'AWS::CloudFront::OriginAccessControl'));
    expect(oac.Properties?.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const [distId, dist] = only(resourcesOf(t(), 'AWS::CloudFront::Distribution'));
    const origin = ((dist.Properties!.DistributionConfig as Json).Origins as Json[])[0]!;
    expect(refId(origin.OriginAccessControlId)).toBeDefined();
    expect((origin.S3OriginConfig as Json).OriginAccessIdentity).toBe('');
    const policies = Object.values(resourcesOf(t(), 'AWS::S3::BucketPolicy')).filter(
      (p) => refId(p.Properties?.Bucket) === siteId,
    );
    expect(policies).toHaveLength(1);
    const statements = (policies[0]!.Properties!.PolicyDocument as { Statement: Json[] }).Statement;
    const allows = statements.filter((st) => st.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({
      Action: 's3:GetObject',
      Principal: { Service: 'cloudfront.amazonaws.com' },
    });
    expect(JSON.stringify(allows[0]!.Condition)).toContain(distId);
    // TLS only.
    expect(
      statements.some((st) => st.Effect === 'Deny' && JSON.stringify(st).includes('aws:SecureTransport')),
    ).toBe(true);
  });

  it('distribution: HTTPS only, GET/HEAD, the headers policy and routing function on every response, logged', () => {
    const [, dist] = only(resourcesOf(t(), 'AWS::CloudFront::Distribution'));
    const [policyId] = only(resourcesOf(t(), 'AWS::CloudFront::ResponseHeadersPolicy'));
    const [fnId, fn] = only(resourcesOf(t(), 'AWS::CloudFront::Function'));
    const dc = dist.Properties!.DistributionConfig as Json;
    const behavior = dc.DefaultCacheBehavior as Json;
    expect(behavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(behavior.AllowedMethods).toEqual(['GET', 'HEAD']);
    expect(refId(behavior.ResponseHeadersPolicyId)).toBe(policyId);
    expect(behavior.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fnId, 'FunctionARN'] } },
    ]);
    expect(dc.CacheBehaviors).toBeUndefined();
    expect(dc.Logging).toMatchObject({ Prefix: 'cloudfront/' });
    expect(fn.Properties?.FunctionCode).toBe(spaRouteFunction(CONSOLE_BASE_PATH));
  });

  it('response headers: exactly lib/config/console-headers.ts (CSP without unsafe-inline, HSTS, frame-ancestors none)', () => {
    const [, policy] = only(resourcesOf(t(), 'AWS::CloudFront::ResponseHeadersPolicy'));
    const sh = (policy.Properties!.ResponseHeadersPolicyConfig as Json).SecurityHeadersConfig as Record<
      string,
      Json
    >;
    const csp = flatten(sh.ContentSecurityPolicy!.ContentSecurityPolicy);
    // The API origin is the stage's REST API (imported from the Api stack); the issuer is the stage's Auth0 tenant.
    const apiOrigin =
      /connect-src 'self' (https:\/\/\$\{Import:[^}]+\}\.execute-api\.\$\{AWS::Region\}\.\$\{AWS::URLSuffix\})/.exec(
        csp,
      )?.[1];
    expect(apiOrigin, csp).toBeDefined();
    const expected = consoleSecurityHeaders({
      connectSrc: [apiOrigin!, new URL(config.auth0.issuer).origin, rumDataPlaneEndpoint(`\${AWS::Region}`)],
      hsts: true,
    });
    expect(csp).toBe(expected['content-security-policy']);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    const hsts = sh.StrictTransportSecurity!;
    expect(hsts.AccessControlMaxAgeSec).toBe(CONSOLE_HSTS_MAX_AGE_SEC);
    expect(
      `max-age=${hsts.AccessControlMaxAgeSec}${hsts.IncludeSubdomains ? '; includeSubDomains' : ''}${hsts.Preload ? '; preload' : ''}`,
    ).toBe(expected['strict-transport-security']);
    expect(sh.FrameOptions).toEqual({ FrameOption: expected['x-frame-options'], Override: true });
    expect(sh.ContentTypeOptions).toEqual({ Override: true });
    expect(sh.ReferrerPolicy).toEqual({ ReferrerPolicy: expected['referrer-policy'], Override: true });
    for (const h of [sh.ContentSecurityPolicy!, hsts]) expect(h.Override).toBe(true);
  });

  it("deploys the build under /console/ with this stage's config.json (API URL, Auth0 authority, client id, audience)", () => {
    const deployments = Object.values(resourcesOf(t(), 'Custom::CDKBucketDeployment'));
    expect(deployments).toHaveLength(2);
    const byPrefix = new Map(
      deployments.map((d) => [d.Properties?.DestinationBucketKeyPrefix, d.Properties ?? {}]),
    );
    const assets = byPrefix.get('console/assets/')!;
    const entry = byPrefix.get('console/')!;
    expect(assets.SystemMetadata).toEqual({ 'cache-control': 'public, max-age=31536000, immutable' });
    expect(assets.Prune).toBe(false);
    expect(entry.SystemMetadata).toEqual({ 'cache-control': 'no-cache' });
    expect(entry.Prune).toBe(false);
    expect(entry.DistributionPaths).toEqual(['/console/*']);
    expect(refId(entry.DistributionId)).toMatch(/^Distribution/);

    // The config.json source: a staged asset directory whose markers CloudFormation fills in at deploy time.
    const keys = (entry.SourceObjectKeys as unknown[]).map((k) => flatten(k));
    const markers = entry.SourceMarkers as Record<string, unknown>[];
    const i = markers.findIndex((m) => Object.keys(m).length > 0);
    expect(i).toBeGreaterThanOrEqual(0);
    const assetDir = (k: string) => join(s.outdir, `asset.${k.replace(/\.zip$/, '')}`);
    const dir = assetDir(keys[i]!);
    // The build itself: index.html in the entry deployment (the fixture's gallery.html, test-only, is left out),
    // hashed files only in the assets one.
    expect(readdirSync(assetDir(keys[1 - i]!)).sort()).toEqual(['index.html']);
    expect(readdirSync(assetDir(flatten((assets.SourceObjectKeys as unknown[])[0])))).toEqual([
      'index-fixture.js',
    ]);
    let text = readFileSync(join(dir, 'config.json'), 'utf8');
    const filled: Record<string, string> = {};
    for (const [marker, value] of Object.entries(markers[i]!)) {
      filled[marker] = flatten(value);
      text = text.split(marker).join(`m${Object.keys(filled).length}`);
    }
    const cfg = consoleRuntimeConfigSchema.parse(JSON.parse(text));
    expect(cfg).toMatchObject({
      stage,
      authority: config.auth0.issuer,
      clientId: CONSOLE_CLIENT_IDS[stage],
      audience: config.auth0.audience,
      scope: CONSOLE_SCOPE,
    });
    // rum: the stage's app monitor when apm_monitoring_enabled is on for the stage at deploy time, else none.
    if (resolvedStageFlags(config)[RUM_FLAG]) {
      expect(cfg.rum?.endpoint).toMatch(/^https:\/\/dataplane\.rum\.m\d\.amazonaws\.com$/);
      expect(cfg.rum?.sessionSampleRate).toBe(config.rum.sessionSampleRate);
      const idMarker = cfg.rum?.appMonitorId ?? '';
      expect(Object.values(filled)[Number(idMarker.slice(1)) - 1]).toMatch(/RumAppMonitor/);
    } else expect(cfg.rum).toBeUndefined();
    // apiUrl: https://<rest api id>.execute-api.<region>.<suffix>/<stage name>, every part from the Api stack.
    expect(cfg.apiUrl).toMatch(/^https:\/\/m\d\.execute-api\.m\d\.m\d\/m\d$/);
    expect(Object.values(filled).join(' ')).toMatch(/Import:.*Gateway/);
    expect(t().findOutputs('ConsoleUrl')).not.toEqual({});
  });

  it('has a CloudWatch RUM app monitor on the distribution domain, public PutRumEvents into that monitor only', () => {
    const [, monitor] = only(resourcesOf(t(), 'AWS::RUM::AppMonitor'));
    const p = monitor.Properties ?? {};
    expect(p.Name).toBe(rumAppMonitorName(stage));
    expect(p.Domain).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^Distribution[0-9A-F]+$/), 'DomainName'],
    });
    expect(p.AppMonitorConfiguration).toMatchObject({
      SessionSampleRate: config.rum.sessionSampleRate,
      AllowCookies: false,
      Telemetries: ['performance', 'errors', 'http'],
    });
    const doc = flatten((p.ResourcePolicy as Json).PolicyDocument);
    expect(doc).toContain('"Action":"rum:PutRumEvents"');
    expect(doc).toContain('"Principal":"*"');
    expect(doc).toContain(`:appmonitor/${rumAppMonitorName(stage)}"`);
    expect(doc).not.toMatch(/"Action":"rum:\*"/);
  });
});
