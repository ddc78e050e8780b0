import { isRole, type Role } from '../../../lib/config/roles';

/** Prefix of the gallery's stand-in access tokens: `gallery|<tenantId>|<userId>|<role,role>`. */
export const GALLERY_TOKEN_PREFIX = 'gallery';

/** What one gallery URL asks for (`gallery.html?tenant=…&user=…&roles=…&path=…|view=components`). */
export interface GalleryParams {
  tenantId: string;
  userId: string;
  roles: Role[];
  /** `page`: the whole shell at `path`; `components`: every major component in isolation; `signed-out`. */
  view: 'page' | 'components' | 'signed-out';
  /** Console path for `view=page`, e.g. `/reports` (default `/`). */
  path: string;
}

/**
 * Reads the gallery's query string. Unknown roles are dropped; missing values get defaults (`acme`, `alice`,
 * `user`, page `/`).
 */
export function parseGalleryParams(search: string): GalleryParams {
  const q = new URLSearchParams(search);
  const view = q.get('view');
  return {
    tenantId: q.get('tenant') || 'acme',
    userId: q.get('user') || 'alice',
    roles: (q.get('roles') || 'user').split(',').filter(isRole),
    view: view === 'components' || view === 'signed-out' ? view : 'page',
    path: q.get('path') || '/',
  };
}

/**
 * The stand-in token the gallery sends as `Authorization: Bearer …`. It is not a JWT: every real authorizer refuses
 * it (401); only the visual and accessibility suites' route interception (`e2e/support/gallery.ts`) reads it.
 */
export function galleryToken(p: Pick<GalleryParams, 'tenantId' | 'userId' | 'roles'>): string {
  return [GALLERY_TOKEN_PREFIX, p.tenantId, p.userId, p.roles.join(',')].join('|');
}
