/*
 * The candidate API client: the link's token, JSON calls to /v1/candidate/{token}…, problem+json
 * errors turned into `ApiError`s, lost connections into `NetworkError`s, and retrying the
 * errors that another try can fix.
 */
import { sleep } from './candidate-util.js';

/** Pauses before the 2nd and 3rd automatic attempt. */
export const RETRY_DELAYS_MS = [0, 2000, 5000];

/** The request never got an answer: no connection, or the response was cut off. */
export class NetworkError extends Error {
  constructor(message) {
    super(message || 'network error');
    this.name = 'NetworkError';
    this.status = 0;
  }
}

/** The server answered with an error; `code` and `detail` come from its problem+json body. */
export class ApiError extends Error {
  constructor(status, body) {
    body = body || {};
    const code = body.code || null;
    const detail = body.detail || null;
    super(status + ' ' + (code || '') + ' ' + (detail || ''));
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.body = body;
  }
}

/** Worth trying again: the connection, a timeout, throttling or the server having a bad moment. */
export function isTransient(err) {
  if (err instanceof NetworkError) return true;
  const s = err && err.status;
  return s === 0 || s === 408 || s === 429 || s >= 500;
}

/** Runs `fn` up to three times while it fails with a transient error. */
export function withRetry(fn) {
  let attempt = 0;
  function run() {
    return fn().catch((err) => {
      attempt += 1;
      if (attempt >= RETRY_DELAYS_MS.length || !isTransient(err)) throw err;
      return sleep(RETRY_DELAYS_MS[attempt]).then(run);
    });
  }
  return run();
}

/** Reads the token from `/i/{token}`. */
export function tokenFromPath() {
  const parts = location.pathname.split('/').filter(Boolean);
  const at = parts.indexOf('i');
  const raw = at >= 0 ? parts[at + 1] : parts[parts.length - 1];
  if (!raw) return null;
  try {
    return decodeURIComponent(raw);
  } catch (e) {
    return null;
  }
}

function call(method, path, body, extra) {
  const init = {
    method: method,
    headers: { Accept: 'application/json' },
    credentials: 'same-origin',
    cache: 'no-store'
  };
  // `keepalive` lets a last save finish while the page is being closed.
  if (extra && extra.keepalive) init.keepalive = true;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  return fetch(path, init).then((response) => {
    return response.text().then((text) => {
      let data = null;
      if (text) {
        try { data = JSON.parse(text); } catch (e) { data = null; }
      }
      if (!response.ok) throw new ApiError(response.status, data);
      return data || {};
    }, () => {
      throw new NetworkError('the response was cut off');
    });
  }, (e) => {
    throw new NetworkError(e && e.message);
  });
}

/** The calls one interview link can make. Each resolves with the response body (`{}` if none). */
export function candidateApi(token) {
  const base = '/v1/candidate/' + encodeURIComponent(token);
  const uploads = (questionId, suffix) =>
    base + '/answers/' + encodeURIComponent(questionId) + '/uploads' + (suffix || '');
  const upload = (questionId, uploadId, suffix) =>
    uploads(questionId, '/' + encodeURIComponent(uploadId) + (suffix || ''));

  return {
    /** The interview as the candidate sees it (retried while the failure is transient). */
    session: () => withRetry(() => call('GET', base)),
    /** Submits the interview (retried while the failure is transient). */
    submit: () => withRetry(() => call('POST', base + '/submit')),
    /** Starts an upload: `{ uploadId, method, url, headers }` or, multipart, `{ …, partSize, parts }`. */
    createUpload: (questionId, body) => call('POST', uploads(questionId), body),
    /** Where a multipart upload stands: its state, the parts stored and the parts still to send. */
    uploadStatus: (questionId, uploadId) => call('GET', upload(questionId, uploadId)),
    /** Asks the server to check the upload and keep it as the answer. */
    completeUpload: (questionId, uploadId) => call('POST', upload(questionId, uploadId, '/complete')),
    abortUpload: (questionId, uploadId) => call('DELETE', upload(questionId, uploadId)),
    /** Saves a written answer (a draft until the interview is submitted). Not retried here:
     *  the autosave decides when to try again. */
    saveText: (questionId, text, options) =>
      call('PUT', base + '/answers/' + encodeURIComponent(questionId) + '/text', { text: text }, options)
  };
}
