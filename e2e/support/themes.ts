import type { Vertical } from '../../lib/config/data-model';
import type { Role } from '../../lib/config/roles';
import type { TenantRequest } from './fixtures';
import { E2E_VERTICALS } from './verticals';

/**
 * The themes the accessibility and visual suites cover: each vertical's theme, the platform operators' theme (a
 * platform admin of the operator tenant) and one tenant with custom branding (name and primary colour).
 */
export interface ThemeCase {
  /** Name in test titles, annotations and screenshot names. */
  id: string;
  /** Tenant to provision; `undefined` = the seed's operator tenant (platform theme). */
  tenant?: TenantRequest;
  role: Exclude<Role, 'service'>;
}

/** Custom branding of the branded case (a colour that must still give 4.5:1 text contrast). */
export const CUSTOM_BRANDING = { displayName: 'Northwind Outlets', primaryColor: '#6b21a8' } as const;

export const THEME_CASES: readonly ThemeCase[] = [
  ...E2E_VERTICALS.map((v: Vertical) => ({ id: v, tenant: { vertical: v }, role: 'tenant-admin' as const })),
  { id: 'platform', role: 'platform-admin' },
  {
    id: 'custom-branding',
    tenant: { vertical: 'retail', branding: { ...CUSTOM_BRANDING } },
    role: 'tenant-admin',
  },
];
