/*
 * The public share page (/s/{token}): a read-only view of one interview that a reviewer shared
 * through an expiring link. It reads GET /v1/shares/{token} and shows the position, the
 * candidate (contact details only when the link includes them), the review state and each
 * question with its answer (a recording with its transcript and captions, or a written answer).
 *
 *   share.js        this module: the token, loading, errors, retrying
 *   share-view.js   what the reader sees (DOM, focus, aria-live)
 */
import { showLoading, showError, showInterview } from './share-view.js';

/** The request got no answer: no connection, or the response was cut off. */
class NetworkError extends Error {}

/** The server answered with an error status; `code` comes from its problem+json body. */
class ApiError extends Error {
  constructor(status, code) {
    super(status + ' ' + (code || ''));
    this.status = status;
    this.code = code;
  }
}

/** Reads the token from `/s/{token}`. */
function tokenFromPath() {
  const parts = location.pathname.split('/').filter(Boolean);
  const at = parts.indexOf('s');
  const raw = at >= 0 ? parts[at + 1] : null;
  if (!raw) return null;
  try {
    return decodeURIComponent(raw);
  } catch (e) {
    return null;
  }
}

const token = tokenFromPath();

function fetchShare() {
  const init = { headers: { Accept: 'application/json' }, cache: 'no-store', credentials: 'omit' };
  return fetch('/v1/shares/' + encodeURIComponent(token), init).then((response) => {
    return response.text().then((text) => {
      let body = null;
      try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
      if (!response.ok) throw new ApiError(response.status, body && body.code);
      if (!body || typeof body !== 'object') throw new ApiError(response.status, 'invalid_body');
      return body;
    }, () => { throw new NetworkError('the response was cut off'); });
  }, (e) => { throw new NetworkError(e && e.message); });
}

/** A fresh answer for one question (a new playback URL), for a recording whose URL expired. */
function refreshAnswer(questionId) {
  return fetchShare().then((data) => {
    const question = (data.questions || []).find((q) => q.id === questionId);
    return question ? question.answer : null;
  }, (err) => {
    // The link itself ended while the page was open: say so instead of a broken player.
    if (err instanceof ApiError && (err.status === 404 || err.status === 410)) fail(err);
    throw err;
  });
}

/** Where a recording's captions (WebVTT) are, for its <track>. */
function captionsUrl(questionId) {
  return '/v1/shares/' + encodeURIComponent(token) + '/answers/' + encodeURIComponent(questionId) + '/captions.vtt';
}

let waitingForNetwork = false;

function fail(err) {
  waitingForNetwork = false;
  if (err instanceof ApiError && (err.code === 'share_expired' || err.status === 410)) {
    showError('expired');
  } else if (err instanceof ApiError && (err.code === 'share_not_found' || err.status === 404)) {
    showError('not_found');
  } else if (err instanceof NetworkError) {
    waitingForNetwork = true;
    showError('network', load);
  } else {
    showError('unavailable', load);
  }
}

function load() {
  waitingForNetwork = false;
  if (!token) {
    showError('not_found');
    return;
  }
  showLoading();
  fetchShare().then((data) => showInterview(data, refreshAnswer, captionsUrl)).catch((err) => {
    if (!(err instanceof ApiError) && !(err instanceof NetworkError)) console.error(err);
    fail(err);
  });
}

function init() {
  // Coming back online after a failed load tries again without waiting for the button.
  window.addEventListener('online', () => { if (waitingForNetwork) load(); });
  load();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
else init();
