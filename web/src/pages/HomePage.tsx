import { Link } from 'react-router';
import type { Vertical } from '../../../lib/config/data-model';
import { PageHeader } from '../components/PageHeader';
import { useSession } from '../session/session';

/** What each vertical's home page says (copy is data, like the theme). */
export const VERTICAL_COPY: Readonly<Record<Vertical, { tagline: string; focus: string }>> = {
  retail: {
    tagline: 'Prices, assortment and footfall across your stores.',
    focus: 'Track competitor prices and promotions by region.',
  },
  hospitality: {
    tagline: 'Occupancy, rates and guest demand across your properties.',
    focus: 'Compare your room rates with the market, night by night.',
  },
  leisure: {
    tagline: 'Bookings, attendance and seasonality across your venues.',
    focus: 'See demand peaks early and plan staffing and pricing.',
  },
  finance: {
    tagline: 'Market signals and risk indicators for your portfolio.',
    focus: 'Follow sector trends with daily market data.',
  },
  platform: {
    tagline: 'Operate the MarketEdge platform: tenants, tiers, limits and audit.',
    focus: 'Tune limits live and keep every tenant within its plan.',
  },
};

/** The tenant's home page: its vertical's message in its theme, and shortcuts. */
export default function HomePage() {
  const { me, theme, hasRole } = useSession();
  const copy = VERTICAL_COPY[theme.vertical];
  return (
    <>
      <PageHeader title={`Welcome to ${theme.displayName ?? me.tenantId}`} />
      <section className="hero" aria-label="About your workspace">
        <p className="lead">{copy.tagline}</p>
        <p>{copy.focus}</p>
        <p className="muted">
          Vertical <strong>{theme.vertical}</strong> · tier <strong>{me.tier}</strong> · signed in as{' '}
          <strong>{me.userId}</strong>
        </p>
      </section>
      <ul className="cards">
        <li className="card">
          <h2>Reports</h2>
          <p>Write, read and share market reports with your team.</p>
          <Link to="/reports">Open reports</Link>
        </li>
        <li className="card">
          <h2>My limits</h2>
          <p>See each rate limit and quota that applies to you, and what is left.</p>
          <Link to="/limits">View my limits</Link>
        </li>
        {hasRole('tenant-admin', 'platform-admin') && (
          <li className="card">
            <h2>User limits</h2>
            <p>Set per-user limits for your tenant and watch usage per rule.</p>
            <Link to="/admin/users">Manage user limits</Link>
          </li>
        )}
        {hasRole('platform-admin') && (
          <li className="card">
            <h2>Tenants</h2>
            <p>Create tenants, change tiers, suspend, tune limits and bypass in an emergency.</p>
            <Link to="/platform/tenants">Manage tenants</Link>
          </li>
        )}
      </ul>
    </>
  );
}
