/*
 * Takes kept on this device: every recording stays in IndexedDB from the moment it is made until
 * the server has confirmed the upload (with the upload's id, so a later visit can resume it), a
 * count of the takes recorded per question, so a reload does not hand out extra retakes, and
 * written answers typed here that the server has not confirmed yet.
 */
import { safely } from './candidate-util.js';

let opening = null;

function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      if (!window.indexedDB) return reject(new Error('IndexedDB is not available'));
      let request;
      try {
        request = indexedDB.open('reelview-recordings', 1);
      } catch (e) {
        return reject(e);
      }
      request.onupgradeneeded = () => {
        request.result.createObjectStore('recordings', { keyPath: 'key' });
      };
      request.onsuccess = () => { resolve(request.result); };
      request.onerror = () => { reject(request.error); };
      request.onblocked = () => { reject(new Error('IndexedDB is blocked')); };
    });
  }
  return opening;
}

function run(mode, work) {
  return open().then((db) => {
    return new Promise((resolve, reject) => {
      const tx = db.transaction('recordings', mode);
      let result;
      work(tx.objectStore('recordings'), (value) => { result = value; });
      tx.oncomplete = () => { resolve(result); };
      tx.onerror = () => { reject(tx.error); };
      tx.onabort = () => { reject(tx.error || new Error('transaction aborted')); };
    });
  });
}

/**
 * Recordings not yet confirmed by the server. A record is
 * `{ key, token, questionId, blob, contentType, size, seconds, savedAt,
 *    uploadId, method, partSize, putDone }`.
 */
export const recordings = {
  key(token, questionId) {
    return token + '/' + questionId;
  },
  put(record) {
    return run('readwrite', (os) => { os.put(record); });
  },
  remove(key) {
    return run('readwrite', (os) => { os.delete(key); });
  },
  /** Every recording stored for one interview link. */
  forToken(token) {
    return run('readonly', (os, done) => {
      const range = IDBKeyRange.bound(token + '/', token + '/\uffff');
      const request = os.getAll(range);
      request.onsuccess = () => { done(request.result || []); };
    });
  }
};

/** Drops every recording of one interview link; never fails. */
export function forgetRecordings(token) {
  return safely(recordings.forToken(token).then((records) => {
    return Promise.all(records.map((r) => safely(recordings.remove(r.key))));
  }));
}

/**
 * The local take counter of one interview link: recording again before sending is limited to
 * the attempts left. Kept in localStorage, or in memory where that is not allowed.
 */
export function takeCounter(token) {
  const memory = {};
  const key = (questionId) => 'reelview:takes:' + token + ':' + questionId;

  function get(questionId) {
    try {
      return parseInt(localStorage.getItem(key(questionId)) || '0', 10) || 0;
    } catch (e) {
      return memory[questionId] || 0;
    }
  }

  return {
    get,
    add(questionId) {
      const next = get(questionId) + 1;
      memory[questionId] = next;
      try { localStorage.setItem(key(questionId), String(next)); } catch (e) { /* memory only */ }
      return next;
    },
    clear(questionId) {
      delete memory[questionId];
      try { localStorage.removeItem(key(questionId)); } catch (e) { /* memory only */ }
    }
  };
}

/**
 * Texts typed on this device that the server has not confirmed yet, one per question. Each is
 * kept with the `savedAt` of the server's text it was written over (`base`), so a draft is only
 * restored over the text it started from, never over a newer one saved elsewhere.
 */
export function localDrafts(token) {
  const memory = {};
  const key = (questionId) => 'reelview:draft:' + token + ':' + questionId;
  return {
    get(questionId) {
      try {
        const raw = localStorage.getItem(key(questionId));
        return raw ? JSON.parse(raw) : null;
      } catch (e) {
        return memory[questionId] || null;
      }
    },
    put(questionId, text, base) {
      const value = { text: text, base: base || null };
      memory[questionId] = value;
      try { localStorage.setItem(key(questionId), JSON.stringify(value)); } catch (e) { /* memory only */ }
    },
    clear(questionId) {
      delete memory[questionId];
      try { localStorage.removeItem(key(questionId)); } catch (e) { /* memory only */ }
    }
  };
}

/** The text to show for `q` on this visit: a local draft written over the server's current
 *  text wins (it is newer); otherwise the server's text. `restored` says which. */
export function startingText(q, drafts) {
  const server = q.written || null;
  const local = drafts.get(q.id);
  const base = server ? server.savedAt : null;
  if (local && typeof local.text === 'string' && (local.base || null) === base && local.text !== (server ? server.text : '')) {
    return { text: local.text, restored: true };
  }
  if (local) drafts.clear(q.id);
  return { text: server ? server.text : '', restored: false };
}
