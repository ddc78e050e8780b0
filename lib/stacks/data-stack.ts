import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import type { StageConfig, TableName } from '../config';
import { RateLimitCache } from '../constructs/cache';
import { Network } from '../constructs/network';
import { DataTables } from '../constructs/tables';

/** Props of {@link DataStack}. */
export interface DataStackProps extends StackProps {
  /** Validated stage config (region, removal policy, table protection, cache limits, NAT gateways). */
  readonly config: StageConfig;
}

/** The stage's removal policy for stateful resources (`removalPolicy` of the stage config). */
export function statefulRemovalPolicy(config: StageConfig): RemovalPolicy {
  return config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
}

/** `MarketEdge-<stage>-Data`: the VPC, the ElastiCache Serverless rate-limit cache and the DynamoDB tables. */
export class DataStack extends Stack {
  readonly vpc: ec2.Vpc;
  readonly lambdaSecurityGroup: ec2.SecurityGroup;
  readonly tables: Record<TableName, dynamodb.Table>;
  readonly cache: RateLimitCache;

  /**
   * With a region pinned in the stage config, the AZs are `<region>a` and `<region>b` instead of a context lookup,
   * so `cdk synth` stays credential-free for pinned stages too.
   */
  override get availabilityZones(): string[] {
    return this.pinnedRegion ? [`${this.pinnedRegion}a`, `${this.pinnedRegion}b`] : super.availabilityZones;
  }

  private readonly pinnedRegion: string | undefined;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    this.pinnedRegion = props.config.region;
    const removal = statefulRemovalPolicy(props.config);
    const network = new Network(this, 'Network', props.config, removal);
    this.vpc = network.vpc;
    this.lambdaSecurityGroup = network.lambdaSecurityGroup;
    this.cache = new RateLimitCache(this, 'RateLimitCache', {
      config: props.config,
      vpc: network.vpc,
      clientSecurityGroup: network.lambdaSecurityGroup,
      removalPolicy: removal,
    });
    this.tables = new DataTables(this, 'Tables', props.config, removal).tables;
  }
}
