import type { Template } from 'aws-cdk-lib/assertions';

/** A CloudFormation resource as found in a synthesized template. */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

/** Every resource of `type`, by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, CfnResource> {
  return template.findResources(type) as Record<string, CfnResource>;
}

/** `{ Ref: id }` → id, `{ 'Fn::GetAtt': [id, attr] }` → id; otherwise undefined. */
export function refId(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') return v.Ref;
    const getAtt = v['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  }
  return undefined;
}

/**
 * Full path (e.g. `/v1/reports/{reportId}`) of every `AWS::ApiGateway::Resource`, by logical id, from the
 * `PathPart`/`ParentId` chain (the root resource's parent is `RestApi.RootResourceId`).
 */
export function apiResourcePaths(template: Template): Map<string, string> {
  const resources = resourcesOf(template, 'AWS::ApiGateway::Resource');
  const paths = new Map<string, string>();
  const pathOf = (id: string): string => {
    const known = paths.get(id);
    if (known) return known;
    const r = resources[id];
    if (!r) return '';
    const parent = refId(r.Properties?.ParentId);
    const prefix = parent && resources[parent] ? pathOf(parent) : '';
    const path = `${prefix}/${String(r.Properties?.PathPart)}`;
    paths.set(id, path);
    return path;
  };
  for (const id of Object.keys(resources)) pathOf(id);
  return paths;
}

/** Flattens an `Fn::Join` (or a plain string) to text, rendering references as `${LogicalId}`. */
export function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  const id = refId(value);
  if (id) return `\${${id}}`;
  if (value && typeof value === 'object') {
    const join = (value as Record<string, unknown>)['Fn::Join'];
    if (Array.isArray(join)) return (join[1] as unknown[]).map(flatten).join(String(join[0]));
    const imp = (value as Record<string, unknown>)['Fn::ImportValue'];
    if (imp !== undefined) return `\${Import:${flatten(imp)}}`;
  }
  // JSON.stringify(undefined) is undefined: an absent property (a role without managed policies) flattens to ''.
  return JSON.stringify(value) ?? '';
}

/** All policy statements of every `AWS::IAM::Policy` in a template, with the policy's roles. */
export function policyStatements(
  template: Template,
): Array<{ policy: string; roles: string[]; Action: string[]; Resource: unknown[]; Effect: string }> {
  const out: Array<{
    policy: string;
    roles: string[];
    Action: string[];
    Resource: unknown[];
    Effect: string;
  }> = [];
  for (const [id, p] of Object.entries(resourcesOf(template, 'AWS::IAM::Policy'))) {
    const doc = p.Properties?.PolicyDocument as { Statement: Array<Record<string, unknown>> };
    const roles = ((p.Properties?.Roles as unknown[]) ?? []).map((r) => refId(r) ?? String(r));
    for (const st of doc.Statement) {
      const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
      out.push({
        policy: id,
        roles,
        Effect: String(st.Effect),
        Action: arr(st.Action).map(String),
        Resource: arr(st.Resource),
      });
    }
  }
  return out;
}
