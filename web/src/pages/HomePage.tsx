import { Link } from 'react-router';
import type { Vertical } from '../../../lib/config/data-model';
import { useExperiment } from '../analytics/use-experiment';
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

/**
 * Experiment `report_cta`'s `prominent` variant: a call to action leading to the New report form, in the theme's
 * primary colours (the button token pair, held to 4.5:1 in every theme).
 */
function ReportCallToAction() {
  return (
    <section className="cta" aria-labelledby="report-cta-title">
      <h2 id="report-cta-title">Share what you see in the market</h2>
      <p>Write a report in a minute and your whole team can read it.</p>
      <Link className="button cta-button" to="/reports/new">
        New report
      </Link>
    </section>
  );
}

/**
 * The tenant's home page: its vertical's message in its theme, and shortcuts. Experiment `report_cta`
 * (`lib/config/experiments.ts`): the `prominent` variant adds a "New report" call to action under the message; the
 * control, and a caller without an assignment, see the page without it.
 */
export default function HomePage() {
  const { me, theme, hasRole } = useSession();
  const copy = VERTICAL_COPY[theme.vertical];
  const reportCta = useExperiment('report_cta');
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
      {reportCta === 'prominent' && <ReportCallToAction />}
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
