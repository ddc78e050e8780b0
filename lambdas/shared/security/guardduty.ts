import { isIP } from 'node:net';
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import * as z from 'zod';
import { GUARDDUTY_DETAIL_TYPE, GUARDDUTY_SOURCE } from '../../../lib/config/security';

/**
 * GuardDuty findings as EventBridge delivers them (`source: aws.guardduty`, `detail-type: GuardDuty Finding`,
 * `detail` = the finding in camelCase, GuardDuty finding format 2.0). Powertools parser 2.35 has no GuardDuty
 * schema: these extend its `EventBridgeSchema` with a zod `detail`. Only the fields the responder reads are
 * declared; everything else passes through (`looseObject`). Archived findings and updates may lack `severity`,
 * `service.action` or the remote IP: every such field is optional.
 */

/** `remoteIpDetails` of an action (IPv4 and/or IPv6). */
export const remoteIpDetailsSchema = z.looseObject({
  ipAddressV4: z.string().optional(),
  ipAddressV6: z.string().optional(),
  organization: z.looseObject({ asnOrg: z.string().optional(), isp: z.string().optional() }).optional(),
  country: z.looseObject({ countryName: z.string().optional() }).optional(),
});

/** `service.action`: the four shapes with a remote address (network connection, AWS API call, port probe, DNS). */
export const findingActionSchema = z.looseObject({
  actionType: z.string().optional(),
  networkConnectionAction: z
    .looseObject({
      connectionDirection: z.string().optional(),
      protocol: z.string().optional(),
      blocked: z.boolean().optional(),
      remoteIpDetails: remoteIpDetailsSchema.optional(),
      localPortDetails: z.looseObject({ port: z.number().optional() }).optional(),
    })
    .optional(),
  awsApiCallAction: z
    .looseObject({
      api: z.string().optional(),
      serviceName: z.string().optional(),
      callerType: z.string().optional(),
      remoteIpDetails: remoteIpDetailsSchema.optional(),
    })
    .optional(),
  portProbeAction: z
    .looseObject({
      blocked: z.boolean().optional(),
      portProbeDetails: z
        .array(
          z.looseObject({
            localPortDetails: z.looseObject({ port: z.number().optional() }).optional(),
            remoteIpDetails: remoteIpDetailsSchema.optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  dnsRequestAction: z.looseObject({ domain: z.string().optional() }).optional(),
});

/** The finding (`detail`). `id` and `type` are always present; the rest may be missing on archive/update events. */
export const guardDutyFindingSchema = z.looseObject({
  schemaVersion: z.string().optional(),
  accountId: z.string().optional(),
  region: z.string().optional(),
  id: z.string().min(1),
  arn: z.string().optional(),
  type: z.string().min(1),
  severity: z.number().min(0).max(10).optional(),
  title: z.string().optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  service: z
    .looseObject({
      serviceName: z.string().optional(),
      detectorId: z.string().optional(),
      archived: z.boolean().optional(),
      count: z.number().optional(),
      eventFirstSeen: z.string().optional(),
      eventLastSeen: z.string().optional(),
      action: findingActionSchema.optional(),
    })
    .optional(),
});

/** A GuardDuty finding. */
export type GuardDutyFinding = z.output<typeof guardDutyFindingSchema>;

/** Powertools `EventBridgeSchema` extended for GuardDuty findings. */
export const GuardDutyFindingEventSchema = EventBridgeSchema.extend({
  source: z.literal(GUARDDUTY_SOURCE),
  'detail-type': z.literal(GUARDDUTY_DETAIL_TYPE),
  detail: guardDutyFindingSchema,
});

/** A GuardDuty finding in its EventBridge envelope. */
export type GuardDutyFindingEvent = z.output<typeof GuardDutyFindingEventSchema>;

/** A remote address a finding names, with its IP version. */
export interface FindingAddress {
  address: string;
  version: 4 | 6;
}

/**
 * Every remote address a finding names, de-duplicated, in order: the network connection's, the API caller's, and
 * each port probe's (port-probe findings list several). IPv4 and IPv6; strings that are not addresses are skipped.
 */
export function findingAddresses(finding: GuardDutyFinding): FindingAddress[] {
  const action = finding.service?.action;
  if (!action) return [];
  const details = [
    action.networkConnectionAction?.remoteIpDetails,
    action.awsApiCallAction?.remoteIpDetails,
    ...(action.portProbeAction?.portProbeDetails ?? []).map((d) => d.remoteIpDetails),
  ];
  const seen = new Set<string>();
  const out: FindingAddress[] = [];
  for (const d of details) {
    for (const raw of [d?.ipAddressV4, d?.ipAddressV6]) {
      if (!raw) continue;
      const v = isIP(raw);
      if (v !== 4 && v !== 6) continue;
      const address = normalizeAddress(raw);
      if (seen.has(address)) continue;
      seen.add(address);
      out.push({ address, version: v });
    }
  }
  return out;
}

/** Canonical text of an address (IPv6 lower-case, IPv4-mapped IPv6 as IPv4). */
export function normalizeAddress(raw: string): string {
  const s = raw.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  return mapped?.[1] ?? s;
}
