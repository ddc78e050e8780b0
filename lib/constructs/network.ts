import type { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { StageConfig } from '../config';

/** Subnet group names of the stage VPC. */
export const SUBNETS = {
  /** NAT gateways only. */
  public: 'public',
  /** Lambdas that talk to Redis (egress through NAT for the HTTP backends). */
  lambdas: 'lambdas',
  /** ElastiCache Serverless: no route out of the VPC. */
  cache: 'cache',
} as const;

/**
 * The stage VPC: 2 AZs, public subnets for NAT only, private-with-egress subnets for the Redis-talking Lambdas,
 * isolated subnets for ElastiCache; DynamoDB and S3 gateway endpoints (no NAT traffic for either; S3 carries the
 * admin API's Athena export manifests), an AppConfigData interface endpoint (feature flags polled from inside the VPC)
 * and flow logs (rejected + accepted) to CloudWatch Logs with the stage retention.
 *
 * NAT gateways: the stage's `natGateways` (2 = one per AZ; at least 1). The other AWS APIs the VPC-attached Lambdas
 * call — Athena (the admin API's analytics reads), EventBridge, Secrets Manager, API Gateway — go through NAT; Glue is
 * read by Athena itself, never from the VPC (docs/analytics.md, "Network path").
 */
export class Network extends Construct {
  readonly vpc: ec2.Vpc;
  /** The security group of every VPC-attached Lambda; the cache and the endpoints admit only it. */
  readonly lambdaSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, config: StageConfig, removalPolicy: RemovalPolicy) {
    super(scope, id);
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy,
    });
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      // AZs: Fn::GetAZs for environment-agnostic stacks, named by DataStack when a region is pinned.
      maxAzs: 2,
      natGateways: config.natGateways,
      subnetConfiguration: [
        { name: SUBNETS.public, subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: SUBNETS.lambdas, subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: SUBNETS.cache, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      gatewayEndpoints: {
        DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
        // The admin API reads Athena's UNLOAD manifests from S3 (docs/analytics.md): free, and off the NAT.
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
      },
      flowLogs: {
        All: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs) },
      },
      // Nothing is ever attached to the default security group (every ENI gets an explicit one), and restricting
      // it needs a CDK custom-resource Lambda outside our tracing/retention/least-privilege conventions.
      restrictDefaultSecurityGroup: false,
    });
    this.lambdaSecurityGroup = new ec2.SecurityGroup(this, 'LambdaSg', {
      vpc: this.vpc,
      description: `MarketEdge ${config.name} Lambdas (Redis talkers)`,
      allowAllOutbound: true,
    });

    const endpointSg = new ec2.SecurityGroup(this, 'EndpointSg', {
      vpc: this.vpc,
      description: `MarketEdge ${config.name} interface endpoints: HTTPS from the Lambdas only`,
      allowAllOutbound: false,
    });
    endpointSg.addIngressRule(this.lambdaSecurityGroup, ec2.Port.tcp(443), 'HTTPS from the Lambdas');
    this.vpc.addInterfaceEndpoint('AppConfigData', {
      service: ec2.InterfaceVpcEndpointAwsService.APPCONFIGDATA,
      subnets: { subnetGroupName: SUBNETS.lambdas },
      securityGroups: [endpointSg],
      privateDnsEnabled: true,
      open: false,
    });
  }
}
