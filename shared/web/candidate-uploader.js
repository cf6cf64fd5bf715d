/*
 * Sending answers to the server.
 *
 * A take: a single PUT or a multipart upload, resumed where it stopped (the upload's id and state
 * live on the stored record, see candidate-takes.js), three automatic attempts with a countdown
 * between them, real upload progress, and the server's confirmation.
 *
 * A written answer: saved as the candidate types, about a second after typing stops, when the
 * answer box loses focus, when the candidate moves on and, as a last try, when the page is
 * closed. Until the server has confirmed a text it is also kept on this device (`localDrafts` in
 * candidate-takes.js), so a reload or a lost connection never costs what was typed.
 */
import { ApiError, NetworkError, RETRY_DELAYS_MS, isTransient } from './candidate-api.js';
import { recordings } from './candidate-takes.js';
import { safely } from './candidate-util.js';

/** How many parts of a multipart upload are sent at the same time. */
const PART_CONCURRENCY = 3;

/** PUTs a blob with real upload progress; resolves on 2xx. `active`, if given, holds the
 *  request while it runs so that a failing sibling can cancel it. */
function xhrPut(url, blob, headers, onProgress, active) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const settle = (fn, value) => {
      if (active) {
        const at = active.indexOf(xhr);
        if (at >= 0) active.splice(at, 1);
      }
      fn(value);
    };
    if (active) active.push(xhr);
    xhr.open('PUT', url, true);
    Object.keys(headers || {}).forEach((name) => {
      // The browser sets these itself and refuses to let a page set them.
      if (/^(content-length|host|connection)$/i.test(name)) return;
      xhr.setRequestHeader(name, headers[name]);
    });
    xhr.upload.onprogress = (e) => {
      if (onProgress) onProgress(e.loaded);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        if (onProgress) onProgress(blob.size);
        settle(resolve);
      } else {
        const err = new ApiError(xhr.status, null);
        // A refused upload URL has usually expired: a fresh one fixes it.
        err.storage = true;
        settle(reject, err);
      }
    };
    xhr.onerror = () => { settle(reject, new NetworkError('upload failed')); };
    xhr.ontimeout = () => { settle(reject, new NetworkError('upload timed out')); };
    xhr.onabort = () => { settle(reject, new NetworkError('upload cancelled')); };
    xhr.send(blob);
  });
}

function isRetryable(err) {
  if (isTransient(err)) return true;
  if (err && err.storage) return true; // a refused upload URL: the next attempt gets a fresh one
  if (err && err.retry) return true;
  return false;
}

/**
 * An uploader for one interview link.
 * - `api`: the link's `candidateApi`.
 * - `multipartThreshold()`: the session's `multipartThresholdBytes` (read at each upload).
 * - `reloadQuestion(questionId)`: reloads the session; resolves with the question as the server
 *   now sees it (or null).
 * - `onProgress(fraction)`, `onStatus(text)`: what the candidate is shown while it runs.
 */
export function createUploader({ api, multipartThreshold, reloadQuestion, onProgress, onStatus }) {
  function persist(record) {
    return safely(recordings.put(record));
  }

  /** Cancels the record's upload on the server, if it has one; never fails. */
  function abortUpload(record) {
    if (!record.uploadId) return Promise.resolve();
    return safely(api.abortUpload(record.questionId, record.uploadId));
  }

  function forgetUpload(record) {
    record.uploadId = null;
    record.method = null;
    record.partSize = null;
    record.putDone = false;
    return persist(record);
  }

  /**
   * Three automatic attempts. Resolves with `{ ok: true, confirmed }`, or `{ ok: false, error,
   * retryable }`: `retryable` when the attempts ran out on errors another try may fix.
   */
  function upload(q, record) {
    let attempt = 0;
    let lastError = null;
    function run() {
      if (attempt >= RETRY_DELAYS_MS.length) return Promise.resolve({ ok: false, retryable: true, error: lastError });
      const delay = RETRY_DELAYS_MS[attempt];
      attempt += 1;
      const wait = delay ? countdown(delay, attempt) : Promise.resolve();
      return wait.then(() => {
        return attemptUpload(q, record);
      }).then((confirmed) => {
        return { ok: true, confirmed: confirmed };
      }, (err) => {
        if (!isRetryable(err)) return { ok: false, retryable: false, error: err };
        lastError = err;
        return run();
      });
    }
    return run();
  }

  function countdown(ms, attempt) {
    const ends = Date.now() + ms;
    return new Promise((resolve) => {
      let timer = null;
      const tick = () => {
        const left = Math.ceil((ends - Date.now()) / 1000);
        if (left <= 0) {
          clearInterval(timer);
          onStatus('Trying again (attempt ' + attempt + ' of ' + RETRY_DELAYS_MS.length + ')…');
          resolve();
          return;
        }
        onStatus('The connection dropped. Trying again in ' + left + ' s…');
      };
      timer = setInterval(tick, 250);
      tick();
    });
  }

  /** One try: resume the upload this recording already has, or start a new one; then confirm. */
  function attemptUpload(q, record) {
    let resumed;
    if (record.uploadId && record.method === 'MULTIPART') {
      resumed = api.uploadStatus(q.id, record.uploadId).then((status) => {
        const st = String(status.state || '').toLowerCase();
        const expired = status.expiresAt && new Date(status.expiresAt).getTime() <= Date.now();
        if (st === 'completed' || st === 'confirmed') return complete(q, record);
        if (st === 'aborted' || st === 'expired' || expired) return null;
        if (status.partSize) record.partSize = status.partSize;
        const done = (status.uploadedParts || []).reduce((sum, p) => sum + (p.size || 0), 0);
        return sendParts(record, status.parts || [], done).then(() => complete(q, record));
      }, (err) => {
        if (err.status === 404 || err.status === 410 || err.code === 'upload_aborted') return null;
        throw err;
      });
    } else if (record.uploadId && record.putDone) {
      resumed = complete(q, record).catch((err) => {
        if (isTransient(err)) throw err;
        return abortUpload(record).then(() => null);
      });
    } else if (record.uploadId) {
      // The single PUT may not have finished; its URL is gone, so start over.
      resumed = abortUpload(record).then(() => null);
    } else {
      resumed = Promise.resolve(null);
    }
    return resumed.then((confirmed) => {
      if (confirmed) return confirmed;
      return forgetUpload(record).then(() => createAndSend(q, record));
    });
  }

  function createAndSend(q, record) {
    const threshold = multipartThreshold();
    const body = { contentType: record.contentType, size: record.blob.size };
    // The recording's length as measured while recording: reviewers see it, and webm files
    // from MediaRecorder carry none in their header.
    if (record.seconds > 0) body.durationSeconds = Math.round(record.seconds * 10) / 10;
    if (threshold && record.blob.size >= threshold) body.multipart = true;
    onProgress(0);
    return api.createUpload(q.id, body).then((created) => {
      record.uploadId = created.uploadId;
      record.method = created.method;
      record.partSize = created.partSize || null;
      record.putDone = false;
      return persist(record).then(() => {
        if (created.method === 'MULTIPART') return sendParts(record, created.parts || [], 0);
        return xhrPut(created.url, record.blob, created.headers || {}, (loaded) => {
          onProgress(loaded / record.blob.size);
        }).then(() => {
          record.putDone = true;
          return persist(record);
        });
      });
    }).then(() => {
      return complete(q, record);
    });
  }

  /** PUTs the given parts, a few at a time. `alreadySent` counts bytes of parts already stored. */
  function sendParts(record, parts, alreadySent) {
    const blob = record.blob;
    const total = blob.size || 1;
    const partSize = record.partSize || (parts.length ? parts[0].size : blob.size);
    const loaded = {};
    const report = () => {
      let sum = alreadySent;
      Object.keys(loaded).forEach((k) => { sum += loaded[k]; });
      onProgress(sum / total);
    };
    const queue = parts.slice().sort((a, b) => a.partNumber - b.partNumber);
    const active = [];
    let failed = false;
    report();
    function worker() {
      const part = failed ? null : queue.shift();
      if (!part) return Promise.resolve();
      const start = (part.partNumber - 1) * partSize;
      const slice = blob.slice(start, Math.min(start + partSize, blob.size));
      return xhrPut(part.url, slice, {}, (n) => {
        loaded[part.partNumber] = n;
        report();
      }, active).then(worker, (err) => {
        // One part failed: stop the others; the next attempt asks which parts are missing.
        if (!failed) {
          failed = true;
          active.slice().forEach((xhr) => { xhr.abort(); });
        }
        throw err;
      });
    }
    const workers = [];
    for (let i = 0; i < Math.min(PART_CONCURRENCY, queue.length || 1); i++) workers.push(worker());
    return Promise.all(workers);
  }

  /** Asks the server to confirm the answer. Resolves with the confirmation. */
  function complete(q, record) {
    onStatus('Checking that your answer arrived…');
    return api.completeUpload(q.id, record.uploadId).then((confirmed) => {
      return confirmed;
    }, (err) => {
      if (err.code === 'upload_already_completed') {
        // The confirmation was lost on the way back; the server's view says whether it counted.
        return reloadQuestion(q.id).then((fresh) => {
          if (fresh && fresh.answered && fresh.answer && fresh.answer.uploadId === record.uploadId) {
            return { questionId: q.id, answer: fresh.answer, retakesUsed: fresh.retakesUsed, attemptsLeft: fresh.attemptsLeft };
          }
          err.retry = true;
          return forgetUpload(record).then(() => { throw err; });
        });
      }
      if (err.code === 'upload_expired' || err.code === 'upload_not_found' || err.code === 'upload_aborted' || err.code === 'wrong_upload_method') {
        err.retry = true;
        return forgetUpload(record).then(() => { throw err; });
      }
      if (err.code === 'upload_incomplete') {
        // Multipart: the next attempt asks which parts are missing. Single PUT: send it again.
        err.retry = true;
        if (record.method !== 'MULTIPART') {
          return abortUpload(record).then(() => forgetUpload(record)).then(() => { throw err; });
        }
      }
      throw err;
    });
  }

  return { upload: upload, abort: abortUpload };
}

// -----------------------------------------------------------------------------------------------
// Written answers

/** Saves this long after the last keystroke. */
export const AUTOSAVE_DELAY_MS = 1000;

/** After a failed save that another try may fix, the next try comes this much later. */
const RETRY_AFTER_MS = 5000;

/** Characters as the server counts them (Unicode scalar values, not UTF-16 units). */
export function characterCount(text) {
  return Array.from(String(text || '')).length;
}

export function isBlank(text) {
  return !String(text || '').trim();
}

/** The candidate-facing reason a save was refused. */
function refusal(err) {
  const first = err.body && Array.isArray(err.body.errors) ? err.body.errors[0] : null;
  if (err.code === 'validation_failed' && first && first.field === 'text' && first.message) {
    return 'Not saved: your answer ' + first.message + '.';
  }
  return 'Not saved: ' + (err.detail || 'the server refused this answer.');
}

/**
 * The autosave of one question's answer.
 * - `api`: the link's `candidateApi`; `q`: the question; `drafts`: `localDrafts(token)`.
 * - `text`: what the box starts with; `saved`: the text the server has (or '').
 * - `onState(state, detail)`: `saved`, `dirty`, `saving`, `empty`, `offline` or `refused`.
 * - `onSaved(response, text)`: the server confirmed `text`.
 * - `onFatal(err)`: the interview can no longer be changed (completed, expired, link gone).
 */
export function createAutosave({ api, q, drafts, text, saved, onState, onSaved, onFatal }) {
  let current = text || '';
  let confirmed = saved || '';
  let base = q.written ? q.written.savedAt : null;
  let timer = null;
  let retryTimer = null;
  let inFlight = null;
  /** The interview can no longer be changed: nothing more is sent. */
  let fatal = false;
  /** The answer is off screen: no more typing or timers, but a save under way finishes. */
  let stopped = false;
  let lastState = null;

  function report(state, detail) {
    lastState = state;
    onState(state, detail || null);
  }

  function clearTimer() {
    if (timer) clearTimeout(timer);
    if (retryTimer) clearTimeout(retryTimer);
    timer = null;
    retryTimer = null;
  }

  /** Sends the current text unless the server has it already; resolves with the outcome:
   *  `saved`, `empty`, `offline`, `refused` or `fatal`. */
  function save() {
    clearTimer();
    if (fatal) return Promise.resolve(lastState);
    if (inFlight) return inFlight.then(() => (fatal ? lastState : save()));
    if (isBlank(current)) {
      report('empty', confirmed && !isBlank(confirmed));
      return Promise.resolve('empty');
    }
    if (current === confirmed) {
      drafts.clear(q.id);
      report('saved');
      return Promise.resolve('saved');
    }
    const sending = current;
    report('saving');
    inFlight = api.saveText(q.id, sending).then((response) => {
      inFlight = null;
      confirmed = sending;
      base = response.savedAt || base;
      onSaved(response, sending);
      if (current === sending) {
        drafts.clear(q.id);
        report('saved', response.savedAt);
        return 'saved';
      }
      // Typed on while it was being saved: keep the newer text against the new base.
      drafts.put(q.id, current, base);
      return save();
    }, (err) => {
      inFlight = null;
      if (err instanceof NetworkError || isTransient(err)) {
        report('offline');
        if (!stopped) retryTimer = setTimeout(save, RETRY_AFTER_MS);
        return 'offline';
      }
      const code = err instanceof ApiError ? err.code : null;
      if (code === 'interview_completed' || code === 'interview_expired' || code === 'link_not_found' ||
          err.status === 404 || err.status === 410) {
        fatal = true;
        onFatal(err);
        return 'fatal';
      }
      report('refused', refusal(err));
      return 'refused';
    });
    return inFlight;
  }

  return {
    /** The candidate typed: keep it on this device, save once typing stops. */
    input(value) {
      if (fatal || stopped) return;
      current = value;
      clearTimer();
      if (current === confirmed) {
        drafts.clear(q.id);
        if (!inFlight) report('saved');
        return;
      }
      drafts.put(q.id, current, base);
      if (isBlank(current)) {
        report('empty', confirmed && !isBlank(confirmed));
        return;
      }
      if (lastState !== 'dirty' && !inFlight) report('dirty');
      timer = setTimeout(save, AUTOSAVE_DELAY_MS);
    },
    /** Saves now (leaving the box, moving on, coming back online). */
    flush: save,
    /** The page is going away: one last save that outlives it. */
    pageHidden() {
      if (fatal || inFlight || isBlank(current) || current === confirmed) return;
      clearTimer();
      const sending = current;
      api.saveText(q.id, sending, { keepalive: true }).then((response) => {
        confirmed = sending;
        base = response.savedAt || base;
        if (current === sending) drafts.clear(q.id);
        onSaved(response, sending);
      }, () => { /* kept on this device; saved on the next visit */ });
    },
    /** Whether what is in the box is what the server has. */
    get settled() { return current === confirmed && !inFlight; },
    /** Stops the timers and the typing; a save under way still finishes. */
    close() {
      stopped = true;
      clearTimer();
    }
  };
}
