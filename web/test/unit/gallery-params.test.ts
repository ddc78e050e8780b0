import { describe, expect, it } from 'vitest';
import { galleryToken, parseGalleryParams } from '../../src/gallery/gallery-params';

describe('gallery parameters', () => {
  it('reads tenant, user, roles, view and path from the query string', () => {
    const p = parseGalleryParams(
      '?tenant=t1&user=ada&roles=tenant-admin,user&view=page&path=%2Freports%3Fx%3D1',
    );
    expect(p).toEqual({
      tenantId: 't1',
      userId: 'ada',
      roles: ['tenant-admin', 'user'],
      view: 'page',
      path: '/reports?x=1',
    });
  });

  it('defaults missing values, drops unknown roles and views', () => {
    expect(parseGalleryParams('?roles=root,platform-admin&view=bogus')).toEqual({
      tenantId: 'acme',
      userId: 'alice',
      roles: ['platform-admin'],
      view: 'page',
      path: '/',
    });
    expect(parseGalleryParams('?view=components').view).toBe('components');
    expect(parseGalleryParams('?view=signed-out').view).toBe('signed-out');
  });

  it('builds a stand-in token that is not a JWT', () => {
    const token = galleryToken({ tenantId: 't1', userId: 'ada', roles: ['tenant-admin'] });
    expect(token).toBe('gallery|t1|ada|tenant-admin');
    expect(token.split('.')).toHaveLength(1);
  });
});
