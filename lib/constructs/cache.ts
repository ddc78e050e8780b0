import { CfnOutput, type RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { SUBNETS } from './network';

/** Ports of an ElastiCache Serverless cache: 6379 primary (read/write), 6380 reader endpoint. */
export const CACHE_PORTS = { primary: 6379, reader: 6380 } as const;

/** Name of a stage's rate-limit cache (`ServerlessCacheName`; the `clusterId` dimension of its metrics). */
export function rateLimitCacheName(stage: string): string {
  return `marketedge-${stage}-ratelimit`;
}

/** Props of {@link RateLimitCache}. */
export interface RateLimitCacheProps {
  /** Validated stage config (`cache` usage limits and snapshots). */
  readonly config: StageConfig;
  /** The stage's VPC (the cache goes into its isolated subnets). */
  readonly vpc: ec2.IVpc;
  /** The only security group allowed to connect (the Redis-talking Lambdas). */
  readonly clientSecurityGroup: ec2.ISecurityGroup;
  /** Removal policy of the cache. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * ElastiCache **Serverless** (Valkey 8) for the rate limiter: cluster mode, TLS-only (serverless caches accept
 * only TLS connections, hence `rediss://`), encrypted at rest with the service key, in the isolated subnets,
 * reachable only from the Lambda security group on 6379/6380. Usage limits and daily snapshots from the stage's `cache` config.
 * See https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/serverless-security.html
 */
export class RateLimitCache extends Construct {
  readonly cache: elasticache.CfnServerlessCache;
  /** Physical cache name (`ELASTICACHE_CACHE_NAME`, deep health). */
  readonly cacheName: string;
  /** `rediss://<endpoint>:<port>` (`REDIS_URL`). */
  readonly redisUrl: string;

  constructor(scope: Construct, id: string, props: RateLimitCacheProps) {
    super(scope, id);
    const { config, vpc } = props;
    const sg = new ec2.SecurityGroup(this, 'Sg', {
      vpc,
      description: `MarketEdge ${config.name} rate-limit cache: Redis/TLS from the Lambdas only`,
      allowAllOutbound: false,
    });
    sg.addIngressRule(
      props.clientSecurityGroup,
      ec2.Port.tcpRange(CACHE_PORTS.primary, CACHE_PORTS.reader),
      'Redis over TLS from the Lambdas (primary + reader endpoint)',
    );
    this.cacheName = rateLimitCacheName(config.name);
    this.cache = new elasticache.CfnServerlessCache(this, 'Cache', {
      serverlessCacheName: this.cacheName,
      description: `MarketEdge ${config.name} rate limiter state (GCRA TATs, quota counters, policy versions)`,
      engine: 'valkey',
      majorEngineVersion: '8',
      securityGroupIds: [sg.securityGroupId],
      subnetIds: vpc.selectSubnets({ subnetGroupName: SUBNETS.cache }).subnetIds,
      cacheUsageLimits: {
        dataStorage: { maximum: config.cache.maxDataStorageGb, unit: 'GB' },
        ecpuPerSecond: { maximum: config.cache.maxEcpuPerSecond },
      },
      ...(config.cache.snapshotRetentionDays > 0
        ? {
            snapshotRetentionLimit: config.cache.snapshotRetentionDays,
            dailySnapshotTime: config.cache.dailySnapshotTime,
          }
        : {}),
    });
    this.cache.applyRemovalPolicy(props.removalPolicy);
    this.redisUrl = `rediss://${this.cache.attrEndpointAddress}:${this.cache.attrEndpointPort}`;
    new CfnOutput(this, 'CacheName', { value: this.cacheName });
  }
}
