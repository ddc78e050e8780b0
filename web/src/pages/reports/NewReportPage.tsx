import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { useProductEvents } from '../../analytics/events-context';
import { ApiError } from '../../api/errors';
import { useCreateReport } from '../../api/reports';
import { ApiErrorView } from '../../components/ApiErrorView';
import { Field } from '../../components/Field';
import { PageHeader } from '../../components/PageHeader';

/** Creates a report: title, body, comma-separated tags; 400 messages land on their fields. */
export default function NewReportPage() {
  const navigate = useNavigate();
  const create = useCreateReport();
  const events = useProductEvents();
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [tags, setTags] = useState('');
  const err = create.error instanceof ApiError && create.error.status === 400 ? create.error : undefined;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      {
        title,
        body,
        tags: tags
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      },
      {
        onSuccess: (r) => {
          events.featureUsed('report.create');
          navigate(`/reports/${encodeURIComponent(r.reportId)}`);
        },
      },
    );
  };
  return (
    <>
      <PageHeader title="New report" />
      <form className="form" onSubmit={onSubmit} noValidate>
        <Field label="Title" error={err?.fieldError('title')}>
          <input value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} />
        </Field>
        <Field label="Body" error={err?.fieldError('body')}>
          <textarea value={body} onChange={(e) => setBody(e.target.value)} rows={8} />
        </Field>
        <Field label="Tags" hint="Comma-separated, up to 20." error={err?.fieldError('tags')}>
          <input value={tags} onChange={(e) => setTags(e.target.value)} />
        </Field>
        {err?.fieldError('(body)') && <p className="field-error">{err.fieldError('(body)')}</p>}
        {create.error && !err && <ApiErrorView error={create.error} onRetry={() => create.reset()} />}
        <div className="actions">
          <button type="submit" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create report'}
          </button>
          <button type="button" className="secondary" onClick={() => navigate('/reports')}>
            Cancel
          </button>
        </div>
      </form>
    </>
  );
}
