import { Link } from 'react-router';
import { PageHeader } from '../components/PageHeader';

/** Unknown console path. */
export default function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <p>There is no page at this address.</p>
      <p>
        <Link to="/">Back to home</Link>
      </p>
    </>
  );
}
