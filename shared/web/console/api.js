// The console's only way to the server: the public /v1 API, with the team's API key.
//
// The key lives in sessionStorage (this tab only, gone when it closes or on sign-out), never
// in a URL. Every error the API answers is RFC 9457 problem+json; `ApiError` carries it, and
// `describe` turns it into words for the person in front of the screen.

const KEY_STORAGE = 'reelview.console.apiKey';

export function storedKey() {
  try {
    return sessionStorage.getItem(KEY_STORAGE);
  } catch {
    return null;
  }
}

export function storeKey(key) {
  sessionStorage.setItem(KEY_STORAGE, key);
}

export function forgetKey() {
  try {
    sessionStorage.removeItem(KEY_STORAGE);
  } catch {
    // Storage refused: nothing was kept either.
  }
}

/** A problem the API answered (or a network failure, with status 0). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `Request failed (${status})`);
    this.status = status;
    this.code = problem.code || null;
    this.detail = problem.detail || null;
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
    this.problem = problem;
  }
}

/**
 * Fired on `window` when the key is refused, so the app can ask for it again. Its `detail` is
 * the refusal (an ApiError), or the reason in words when a screen ends the session itself.
 */
export const SIGNED_OUT_EVENT = 'reelview:signed-out';

/**
 * Calls the API. `body` is sent as JSON; `headers` adds to them (e.g. Idempotency-Key).
 * Answers the parsed JSON (null for 204), or throws ApiError.
 */
export async function api(method, path, body, { headers = {}, key = storedKey(), raw = false } = {}) {
  const init = { method, headers: { Accept: 'application/json, application/problem+json', ...headers } };
  if (key) init.headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, {
      title: 'Network error',
      detail: 'The server could not be reached. Check your connection and try again.',
      code: 'network_error',
    });
  }
  if (response.ok) {
    if (raw) return response;
    if (response.status === 204) return null;
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  }
  let problem = {};
  try {
    problem = await response.json();
  } catch {
    problem = {};
  }
  // API Gateway's own refusal (a revoked or unknown key) is `{"message": "Forbidden"}`.
  if (!problem.detail && problem.message) problem.detail = problem.message;
  if (!problem.detail) problem.detail = `The server answered ${response.status}.`;
  const error = new ApiError(response.status, problem);
  if (key && endsSession(error)) window.dispatchEvent(new CustomEvent(SIGNED_OUT_EVENT, { detail: error }));
  throw error;
}

/**
 * Whether `error` is a refused key, which signs the console out: a screen then has nothing
 * more to say about it (the sign-in screen says why).
 */
export function endsSession(error) {
  // API Gateway's own refusal (a revoked or unknown key) is a 403 `{"message": "Forbidden"}`.
  return error instanceof ApiError
    && (error.status === 401 || (error.status === 403 && error.problem.message === 'Forbidden'));
}

/** The text of a GET (captions), with the key. */
export async function apiText(path) {
  const response = await api('GET', path, undefined, { raw: true });
  return response.text();
}

/** A fresh idempotency key, so a retried create never creates twice. */
export function idempotencyKey() {
  return crypto.randomUUID();
}

/** Plain words for an error: the API's `detail`, then each invalid field. */
export function describe(error) {
  if (!(error instanceof ApiError)) return 'Something went wrong in the console. Reload the page and try again.';
  const lines = [error.detail];
  for (const e of error.errors) {
    if (e && e.message) lines.push(e.field ? `${e.field}: ${e.message}` : e.message);
  }
  return lines.join('\n');
}

/** Every page of a cursor-paginated list (for small lists: keys, webhooks). */
export async function listAll(path) {
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await api('GET', cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path);
    items.push(...page.items);
    cursor = page.nextCursor || null;
  } while (cursor);
  return items;
}
