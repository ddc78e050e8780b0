import { Link } from 'react-router';
import { PageHeader } from '../components/PageHeader';

/** Shown for a page the caller's roles do not allow (the API would answer 403 too). */
export default function ForbiddenPage() {
  return (
    <>
      <PageHeader title="Not allowed" />
      <p>Your role does not allow this page. Ask your tenant administrator if you need access.</p>
      <p>
        <Link to="/">Back to home</Link>
      </p>
    </>
  );
}
