/*
 * Small helpers for the candidate page with no DOM and no page state: waiting, ignoring a
 * failure that does not matter, the wording of lengths, sizes and dates, and user text in plain
 * text such as a title.
 */

export function sleep(ms) {
  return new Promise((resolve) => { setTimeout(resolve, ms); });
}

/** The same promise, but a failure becomes `null`: for work whose failure changes nothing. */
export function safely(promise) {
  return promise.catch(() => null);
}

/** `75` → `1:15`. */
export function formatSeconds(total) {
  total = Math.max(0, Math.round(total));
  const m = Math.floor(total / 60);
  const s = total % 60;
  return m + ':' + (s < 10 ? '0' : '') + s;
}

/** `75` → `1 minute 15 seconds`. */
export function formatLength(total) {
  total = Math.max(0, Math.round(total));
  if (total < 60) return total + (total === 1 ? ' second' : ' seconds');
  const m = Math.floor(total / 60);
  const s = total % 60;
  const minutes = m + (m === 1 ? ' minute' : ' minutes');
  return s ? minutes + ' ' + s + (s === 1 ? ' second' : ' seconds') : minutes;
}

export function formatBytes(n) {
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return Math.round(n / 1024) + ' KB';
  if (n < 1024 * 1024 * 1024) return (n / (1024 * 1024)).toFixed(1) + ' MB';
  return (n / (1024 * 1024 * 1024)).toFixed(2) + ' GB';
}

export function formatDate(iso) {
  const d = new Date(iso);
  if (isNaN(d.getTime())) return String(iso);
  try {
    return new Intl.DateTimeFormat(undefined, {
      weekday: 'short', day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short'
    }).format(d);
  } catch (e) {
    return d.toLocaleString();
  }
}

/**
 * User text (a name, a company) for plain text that cannot hold a <bdi>, such as the document's
 * title: between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE, so a right-to-left name keeps
 * its own direction without turning the words around it.
 */
export function isolate(text) {
  return '\u2068' + String(text) + '\u2069';
}

export function plural(n, one, many) {
  return n + ' ' + (n === 1 ? one : many);
}
