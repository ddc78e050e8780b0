import { ArnFormat, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { StageConfig } from '../config';

/**
 * AWS managed rule groups on every stage, in evaluation order (after the automated block lists). The Amazon IP
 * reputation and anonymous-IP lists are the threat-intelligence feeds of the edge (docs/security-runbooks.md).
 */
export const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesAnonymousIpList',
] as const;

/** Props of {@link EdgeWaf}. */
export interface EdgeWafProps {
  /** Validated stage config (names, log retention). */
  readonly config: StageConfig;
  /** ARN of the API Gateway stage to protect. */
  readonly stageArn: string;
  /** Removal policy of the WAF log group. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Regional WAFv2 web ACL associated with the REST API stage: first the IPv4 and IPv6 sets reserved for automated
 * blocking (the security responder adds and expires addresses; empty at deploy), then the AWS managed rule groups
 * common, known bad inputs, Amazon IP reputation list and anonymous IP list. Default action allow. Logs to `aws-waf-logs-marketedge-<stage>`
 * with the `authorization` header redacted (tokens never reach logs).
 */
export class EdgeWaf extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  /** The automated-blocking IPv4 set (name `marketedge-<stage>-auto-block`), owned by the security responder. */
  readonly blockList: wafv2.CfnIPSet;
  /** The automated-blocking IPv6 set (name `marketedge-<stage>-auto-block-v6`), owned by the security responder. */
  readonly blockListV6: wafv2.CfnIPSet;

  constructor(scope: Construct, id: string, props: EdgeWafProps) {
    super(scope, id);
    const { config } = props;
    const metric = (name: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `marketedge-${config.name}-${name}`,
    });
    this.blockList = new wafv2.CfnIPSet(this, 'AutoBlock', {
      name: `marketedge-${config.name}-auto-block`,
      description: 'Reserved for automated blocking - security responders add offending addresses',
      scope: 'REGIONAL',
      ipAddressVersion: 'IPV4',
      addresses: [],
    });
    this.blockListV6 = new wafv2.CfnIPSet(this, 'AutoBlockV6', {
      name: `marketedge-${config.name}-auto-block-v6`,
      description:
        'Reserved for automated blocking of IPv6 addresses - the security responder adds offending addresses',
      scope: 'REGIONAL',
      ipAddressVersion: 'IPV6',
      addresses: [],
    });
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `marketedge-${config.name}-api`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: metric('api'),
      rules: [
        {
          name: 'AutoBlockList',
          priority: 0,
          action: { block: {} },
          statement: { ipSetReferenceStatement: { arn: this.blockList.attrArn } },
          visibilityConfig: metric('auto-block'),
        },
        {
          name: 'AutoBlockListV6',
          priority: 1,
          action: { block: {} },
          statement: { ipSetReferenceStatement: { arn: this.blockListV6.attrArn } },
          visibilityConfig: metric('auto-block-v6'),
        },
        ...MANAGED_RULE_GROUPS.map((name, i) => ({
          name,
          priority: i + 2,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name,
              // Bodies over 8 KB are legitimate here (a tenant policy may hold up to 100 rules); API Gateway and
              // the Lambdas' schemas bound request size instead, so this one rule only counts.
              ...(name === 'AWSManagedRulesCommonRuleSet'
                ? { ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }] }
                : {}),
            },
          },
          visibilityConfig: metric(name),
        })),
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `aws-waf-logs-marketedge-${config.name}`,
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: props.removalPolicy,
    });
    new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // WAF wants the log group ARN without the trailing `:*` that `logGroupArn` carries.
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: logGroup.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      redactedFields: [{ singleHeader: { Name: 'authorization' } }],
    });
  }
}
