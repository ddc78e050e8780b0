import { useEffect } from 'react';
import type { ExperimentName, VariantName } from '../../../lib/config/experiments';
import { useSession } from '../session/session';
import { useProductEvents } from './events-context';

/**
 * The caller's variant of `experiment`, as the server assigned it (`GET /v1/me` `experiments`; the console cannot
 * compute it: the assignment needs the stage's hashing secret), and its exposure: call this in the component that
 * renders the variant. Once that component has rendered with an assignment, `experiment_exposure` is queued
 * (`ProductEvents.exposure`, at most once per page load; the server also keeps one per user) — for the control as
 * for any other variant, since the A/B results compare exposed users of every variant.
 * @returns the variant, or `undefined` when the caller has no assignment (analytics off for them, or the experiment
 * is not running): render the control, and nothing is sent
 */
export function useExperiment<E extends ExperimentName>(experiment: E): VariantName<E> | undefined {
  const { me } = useSession();
  const events = useProductEvents();
  // `?.`: a console newer than its API (deploys are not atomic) reads a /v1/me without the field.
  const variant = me.experiments?.[experiment];
  useEffect(() => {
    if (variant !== undefined) events.exposure(experiment);
  }, [events, experiment, variant]);
  return variant;
}
