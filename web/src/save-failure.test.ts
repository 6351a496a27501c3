import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from './api';
import { saveFailure } from './save-failure';

/** The ApiError a client raises for one canned answer (or a fetch that throws). */
async function failureOf(answer: { status: number; body: string; type?: string } | 'unreachable'): Promise<unknown> {
  const fn = (async () => {
    if (answer === 'unreachable') throw new TypeError('Failed to fetch');
    return new Response(answer.body, { status: answer.status, headers: { 'Content-Type': answer.type ?? 'application/json' } });
  }) as unknown as typeof fetch;
  return new ApiClient({ fetch: fn }).addOutcome(1, { scale: 'x', score: 1, date: '2026-01-01' }).catch((e) => e);
}

describe('saveFailure: what a form says when sending it failed', () => {
  it('the network dropped or the server stopped: not saved, the input kept, try again', async () => {
    const err = await failureOf('unreachable');
    expect((err as ApiError).kind).toBe('network');
    const f = saveFailure(err, 'the score');
    expect(f.field).toBeNull();
    expect(f.summary).toBe('The score was not saved: the server could not be reached (the network is down, or the server is stopped). What you entered is still here: try again.');
  });

  it('an error status without the server’s JSON error (a proxy’s page): not saved, with the status', async () => {
    const err = await failureOf({ status: 502, body: '<html>Bad gateway</html>', type: 'text/html' });
    expect((err as ApiError).kind).toBe('unexplained');
    const f = saveFailure(err, 'the amendment');
    expect(f.summary).toMatch(/^The amendment was not saved: the server answered with an error \(HTTP 502\) and no explanation/);
    expect(f.summary).toMatch(/What you entered is still here: try again\.$/);
  });

  it('a success status that is not JSON: it is not known whether it was saved (no claim either way)', async () => {
    const err = await failureOf({ status: 200, body: '<html>Please log in</html>', type: 'text/html' });
    expect((err as ApiError).kind).toBe('unreadable');
    const f = saveFailure(err, 'the photo');
    expect(f.summary).toMatch(/^It is not known whether the photo was saved: the server’s answer could not be read/);
    expect(f.summary).not.toMatch(/was not saved/);
  });

  it('a refusal at a field: the server’s message for the field, the summary points to it', async () => {
    const err = await failureOf({ status: 400, body: JSON.stringify({ error: { code: 'bad_request', message: 'score 9 is above the scale’s 4', field: '/score' } }) });
    expect((err as ApiError).kind).toBe('server');
    const f = saveFailure(err, 'the score');
    expect(f).toEqual({ field: 'score', fieldMessage: 'score 9 is above the scale’s 4', summary: 'The score was not saved: see the highlighted field.' });
    // The form's own key for the path.
    expect(saveFailure(err, 'the score', { fieldOf: () => 'outcome.score' }).field).toBe('outcome.score');
  });

  it('a refusal without a field: the server’s words in the summary', async () => {
    const err = await failureOf({ status: 409, body: JSON.stringify({ error: { code: 'conflict', message: 'changed by someone else' } }) });
    expect(saveFailure(err, 'the user', { done: 'created' }).summary).toBe('The user was not created: changed by someone else.');
  });

  it('words of its own for other actions, and an error that is not the API’s', () => {
    const down = new ApiError(0, 'network', 'x', undefined, {}, 'network');
    expect(saveFailure(down, 'you', { notDone: 'You are not logged in', retry: 'Try again.' }).summary)
      .toBe('You are not logged in: the server could not be reached (the network is down, or the server is stopped). Try again.');
    expect(saveFailure(new Error('the file could not be read'), 'the photo').summary)
      .toBe('The photo was not saved: the file could not be read. What you entered is still here: try again.');
  });
});
