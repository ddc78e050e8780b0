import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Tier } from '../../../lib/config/tiers';
import { useApi } from './api-context';
import type { ApiResponse } from './client';
import type { AuditPage, Branding, Bypass, Limits, Rule, Tenant, TenantPage, TierPolicy } from './types';

const enc = encodeURIComponent;

/** `GET /admin/tenants/{id}/limits` with its ETag. */
export function useLimits(tenantId: string) {
  const api = useApi();
  return useQuery<ApiResponse<Limits>>({
    queryKey: ['limits', tenantId],
    queryFn: ({ signal }) => api.request<Limits>('GET', `/admin/tenants/${enc(tenantId)}/limits`, { signal }),
  });
}

/** `PUT /admin/tenants/{id}/limits` `{ rules }` with `If-Match`. */
export function usePutLimits(tenantId: string) {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { rules: Rule[]; etag: string | undefined }) =>
      api.request<Limits>('PUT', `/admin/tenants/${enc(tenantId)}/limits`, {
        body: { rules: v.rules },
        ifMatch: v.etag,
      }),
    onSuccess: (res) => qc.setQueryData(['limits', tenantId], res),
  });
}

/** Filters of the tenants list (server-side). */
export interface TenantFilters {
  tier?: string;
  vertical?: string;
  status?: string;
}

/** `GET /admin/tenants?tier=&vertical=&status=&limit=&nextToken=`. */
export function useTenants(filters: TenantFilters, nextToken: string | undefined, limit = 25) {
  const api = useApi();
  return useQuery({
    queryKey: ['tenants', filters, nextToken ?? ''],
    queryFn: async ({ signal }) =>
      (
        await api.request<TenantPage>('GET', '/admin/tenants', {
          query: { ...filters, limit, nextToken },
          signal,
        })
      ).data,
  });
}

/** `GET /admin/tenants/{id}` with its ETag. */
export function useTenant(tenantId: string) {
  const api = useApi();
  return useQuery<ApiResponse<Tenant>>({
    queryKey: ['tenant', tenantId],
    queryFn: ({ signal }) => api.request<Tenant>('GET', `/admin/tenants/${enc(tenantId)}`, { signal }),
  });
}

/** Body of `POST /admin/tenants`. */
export interface TenantCreate {
  tenantId: string;
  name: string;
  tier: string;
  vertical: string;
  branding?: Branding;
}

/** `POST /admin/tenants`. */
export function useCreateTenant() {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: TenantCreate) =>
      (await api.request<Tenant>('POST', '/admin/tenants', { body })).data,
    onSuccess: () => qc.invalidateQueries({ queryKey: ['tenants'] }),
  });
}

/** Body of `PATCH /admin/tenants/{id}` (JSON merge patch; `branding: null` removes it). */
export interface TenantPatch {
  name?: string;
  tier?: string;
  status?: 'active' | 'suspended';
  branding?: Branding | null;
}

/** `PATCH /admin/tenants/{id}` with `If-Match`. */
export function usePatchTenant(tenantId: string) {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { patch: TenantPatch; etag: string | undefined }) =>
      api.request<Tenant>('PATCH', `/admin/tenants/${enc(tenantId)}`, { body: v.patch, ifMatch: v.etag }),
    onSuccess: (res) => {
      qc.setQueryData(['tenant', tenantId], res);
      void qc.invalidateQueries({ queryKey: ['tenants'] });
      void qc.invalidateQueries({ queryKey: ['limits', tenantId] });
    },
  });
}

/** `GET /admin/tenants/{id}/bypass` (active bypasses). */
export function useBypasses(tenantId: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['bypass', tenantId],
    queryFn: async ({ signal }) =>
      (await api.request<{ items: Bypass[] }>('GET', `/admin/tenants/${enc(tenantId)}/bypass`, { signal }))
        .data,
  });
}

/** `POST /admin/tenants/{id}/bypass` `{ userId?, reason, ttlSec }`. */
export function useCreateBypass(tenantId: string) {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: { userId?: string; reason: string; ttlSec: number }) =>
      (await api.request<Bypass>('POST', `/admin/tenants/${enc(tenantId)}/bypass`, { body })).data,
    onSuccess: () => qc.invalidateQueries({ queryKey: ['bypass', tenantId] }),
  });
}

/** `DELETE /admin/tenants/{id}/bypass/{bypassId}`. */
export function useRevokeBypass(tenantId: string) {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (bypassId: string) => {
      await api.request<void>('DELETE', `/admin/tenants/${enc(tenantId)}/bypass/${enc(bypassId)}`);
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: ['bypass', tenantId] }),
  });
}

/** `GET /admin/tiers`. */
export function useTiers() {
  const api = useApi();
  return useQuery({
    queryKey: ['tiers'],
    queryFn: async ({ signal }) =>
      (await api.request<{ items: TierPolicy[] }>('GET', '/admin/tiers', { signal })).data,
  });
}

/** `GET /admin/tiers/{tier}` with its ETag. */
export function useTier(tier: string) {
  const api = useApi();
  return useQuery<ApiResponse<TierPolicy>>({
    queryKey: ['tier', tier],
    queryFn: ({ signal }) => api.request<TierPolicy>('GET', `/admin/tiers/${enc(tier)}`, { signal }),
  });
}

/** `PUT /admin/tiers/{tier}` `{ rules, usagePlan }` with `If-Match`. */
export function usePutTier(tier: Tier | string) {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { rules: Rule[]; usagePlan: TierPolicy['usagePlan']; etag: string | undefined }) =>
      api.request<TierPolicy>('PUT', `/admin/tiers/${enc(tier)}`, {
        body: { rules: v.rules, usagePlan: v.usagePlan },
        ifMatch: v.etag,
      }),
    onSuccess: (res) => {
      qc.setQueryData(['tier', tier], res);
      void qc.invalidateQueries({ queryKey: ['tiers'] });
    },
  });
}

/** Query of `GET /admin/audit` (server-side filters). */
export interface AuditQuery {
  tenantId?: string;
  /** ISO 8601 date-time. */
  since?: string;
  limit?: number;
}

/** `GET /admin/audit?tenantId=&since=&limit=&nextToken=` — one page, oldest first. */
export function useAudit(q: AuditQuery, nextToken: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: ['audit', q, nextToken ?? ''],
    queryFn: async ({ signal }) =>
      (
        await api.request<AuditPage>('GET', '/admin/audit', {
          query: { tenantId: q.tenantId, since: q.since, limit: q.limit ?? 25, nextToken },
          signal,
        })
      ).data,
  });
}
