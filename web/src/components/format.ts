/** Formats an ISO date-time as `YYYY-MM-DD HH:MM UTC` (stable across time zones and locales, for screenshots). */
export function formatUtc(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
