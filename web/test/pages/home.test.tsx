import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { VERTICALS } from '../../../lib/config/data-model';
import { VERTICAL_COPY } from '../../src/pages/HomePage';
import { VERTICAL_THEMES } from '../../src/theme/tokens';
import { axe, renderWithTenant } from '../render';

describe('home page', () => {
  it.each(VERTICALS)('greets a %s tenant with its vertical copy and theme', async (vertical) => {
    const { container } = renderWithTenant(undefined, {
      tenant: { tenantId: `t-${vertical}`, name: `The ${vertical} co`, vertical },
    });
    expect(
      await screen.findByRole('heading', { level: 1, name: `Welcome to The ${vertical} co` }),
    ).toBeVisible();
    expect(screen.getByText(VERTICAL_COPY[vertical].tagline)).toBeVisible();
    expect(document.documentElement.dataset.theme).toBe(vertical);
    expect(document.documentElement.style.getPropertyValue('--me-primary')).toBe(
      VERTICAL_THEMES[vertical].primary,
    );
    expect(await axe(container)).toHaveNoViolations();
  });

  it('uses the tenant branding: display name, logo and a primary colour kept readable', async () => {
    renderWithTenant(undefined, {
      theme: { displayName: 'Acme Stores', primaryColor: '#ffeb3b', logoUrl: 'https://cdn.example/acme.png' },
    });
    expect(await screen.findByRole('heading', { level: 1, name: 'Welcome to Acme Stores' })).toBeVisible();
    const primary = document.documentElement.style.getPropertyValue('--me-primary');
    expect(primary).not.toBe('#ffeb3b');
    expect(document.documentElement.dataset.theme).toBe('retail+brand');
    expect(document.querySelector('img.logo')?.getAttribute('src')).toBe('https://cdn.example/acme.png');
  });

  it('shows a data-URI logo (inline image, allowed by the CSP img-src data:) as given', async () => {
    const logo = `data:image/png;base64,${btoa(String.fromCharCode(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0))}`;
    renderWithTenant(undefined, { theme: { displayName: 'Inline Co', logoUrl: logo } });
    expect(await screen.findByRole('heading', { level: 1, name: 'Welcome to Inline Co' })).toBeVisible();
    expect(document.querySelector('img.logo')?.getAttribute('src')).toBe(logo);
  });

  it('shows admin shortcuts only to admins', async () => {
    renderWithTenant(undefined, { roles: ['tenant-admin'] });
    expect(await screen.findByRole('link', { name: 'Manage user limits' })).toBeVisible();
    expect(screen.queryByRole('link', { name: 'Manage tenants' })).toBeNull();
  });

  it('shows the tenant shortcuts only to a plain user', async () => {
    renderWithTenant();
    expect(await screen.findByRole('link', { name: 'Open reports' })).toBeVisible();
    expect(screen.queryByRole('link', { name: 'Manage user limits' })).toBeNull();
  });
});
