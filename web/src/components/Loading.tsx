/** A polite loading message (no spinner animation: renders are deterministic for screenshots). */
export function Loading({ label = 'Loading' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      {label}…
    </p>
  );
}
