import { act, render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../src/api/errors';
import { type AuthState, AuthStateContext } from '../../src/auth/auth-state';
import { ApiErrorView } from '../../src/components/ApiErrorView';
import { axe } from '../render';

function problem(status: number, extra: Partial<ApiError['problem']> = {}, retryAfter?: number): ApiError {
  return new ApiError(status, { errors: [], violated: [], ...extra }, retryAfter);
}

function show(error: unknown, onRetry?: () => void) {
  const calls: string[] = [];
  const auth: AuthState = {
    status: 'signed-in',
    signIn: (r) => calls.push(`signIn:${r}`),
    signOut: () => calls.push('signOut'),
  };
  const r = render(
    <AuthStateContext.Provider value={auth}>
      <MemoryRouter>
        <ApiErrorView error={error} onRetry={onRetry} />
      </MemoryRouter>
    </AuthStateContext.Provider>,
  );
  return { ...r, calls };
}

afterEach(() => vi.useRealTimers());

describe('ApiErrorView: a human answer per outcome', () => {
  it.each([
    [401, 'Your session has ended'],
    [403, 'Not allowed'],
    [404, 'Not found'],
    [409, 'Conflict'],
    [412, 'Conflict'],
    [503, 'Service temporarily unavailable'],
    [0, 'Cannot reach the API'],
    [500, 'Server error'],
    [422, 'Request rejected'],
  ])('%i → "%s", accessible', async (status, heading) => {
    const onRetry = vi.fn();
    const { container } = show(problem(status, { requestId: 'req-1' }), onRetry);
    expect(screen.getByRole('alert', { name: heading })).toBeVisible();
    expect(await axe(container)).toHaveNoViolations();
  });

  it('401 signs in again and returns to the same page', () => {
    const { calls } = show(problem(401));
    act(() => screen.getByRole('button', { name: 'Sign in again' }).click());
    expect(calls).toEqual(['signIn:/']);
  });

  it('403 lists the field errors the API gave', () => {
    show(problem(403, { errors: [{ path: 'rules.0.limit', message: 'exceeds' }] }));
    expect(screen.getByText('rules.0.limit')).toBeVisible();
  });

  it('412 offers a reload, 503 a retry', () => {
    const onRetry = vi.fn();
    const { unmount } = show(problem(412), onRetry);
    expect(screen.getByText('Someone else changed this since you loaded it.')).toBeVisible();
    act(() => screen.getByRole('button', { name: 'Reload' }).click());
    unmount();
    show(problem(503, { detail: 'Rate limiting is temporarily unavailable; retry after 1 s.' }), onRetry);
    act(() => screen.getByRole('button', { name: 'Retry' }).click());
    expect(onRetry).toHaveBeenCalledTimes(2);
  });

  it('429 names the rule and counts down from Retry-After before allowing a retry', () => {
    vi.useFakeTimers({ now: Date.parse('2026-01-15T10:00:00Z') });
    const onRetry = vi.fn();
    show(problem(429, { violated: ['user-rate'] }, 3), onRetry);
    expect(screen.getByText(/The limit “user-rate” was hit/)).toBeVisible();
    expect(screen.getByTestId('countdown')).toHaveTextContent('Try again in 3 s.');
    expect(screen.getByRole('button', { name: 'Retry' })).toBeDisabled();
    act(() => vi.advanceTimersByTime(1000));
    expect(screen.getByTestId('countdown')).toHaveTextContent('Try again in 2 s.');
    act(() => vi.advanceTimersByTime(1000));
    act(() => vi.advanceTimersByTime(1000));
    expect(screen.getByText('You can try again now.')).toBeVisible();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeEnabled();
  });

  it('429 keeps counting down after a tick that reads the same second (a clock that stood still or stepped back)', () => {
    vi.useFakeTimers({ now: Date.parse('2026-01-15T10:00:00Z') });
    show(problem(429, { violated: ['user-rate'] }, 3), vi.fn());
    vi.setSystemTime(Date.now() - 1000);
    act(() => vi.advanceTimersByTime(1000));
    expect(screen.getByTestId('countdown')).toHaveTextContent('Try again in 3 s.');
    act(() => vi.advanceTimersByTime(1000));
    expect(screen.getByTestId('countdown')).toHaveTextContent('Try again in 2 s.');
    act(() => vi.advanceTimersByTime(2000));
    expect(screen.getByText('You can try again now.')).toBeVisible();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeEnabled();
  });

  it('429 without details still answers', () => {
    show(problem(429));
    expect(screen.getByText(/Too many requests/)).toBeVisible();
  });

  it('anything that is not an API error is shown, not thrown', () => {
    const { unmount } = show(new Error('boom'), () => undefined);
    expect(screen.getByRole('alert', { name: 'Something went wrong' })).toHaveTextContent('boom');
    unmount();
    show('weird');
    expect(screen.getByText('An unexpected error occurred.')).toBeVisible();
  });
});
