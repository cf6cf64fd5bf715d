// Words, numbers and dates as the console shows them, in one place.

const STATUS = { invited: 'Invited', in_progress: 'In progress', completed: 'Completed', expired: 'Expired' };
const STAGE = { to_evaluate: 'To evaluate', shortlisted: 'Shortlisted', discarded: 'Discarded' };
const POSITION_STATUS = { active: 'Active', archived: 'Archived' };

export const statusLabel = (status) => STATUS[status] || status;
export const stageLabel = (stage) => STAGE[stage] || stage;
export const STATUSES = Object.keys(STATUS);
export const STAGES = Object.keys(STAGE);

/** The scores a reviewer can give (the API takes halves from 1 to 5). */
export const SCORES = [1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5];

export function scoreLabel(score) {
  return score === null || score === undefined ? 'Not scored' : `${Number(score).toFixed(1)} / 5`;
}

/** `3 questions`, `1 question`. */
export function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many}`;
}

/** A message as a sentence: `must not be empty` → `Must not be empty.` (the API's are lower case, unended). */
export function sentence(message) {
  const text = String(message || '').trim();
  if (!text) return '';
  return text[0].toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? '' : '.');
}

/** A date and time in the reader's locale; an em dash for none. */
export function dateTime(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function dateOnly(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleDateString(undefined, { dateStyle: 'medium' });
}

/** A `<time>` element for `iso`, shown as date and time; a date alone gives its time on hover. */
export function timeElement(iso, { dateOnly: onlyDate = false } = {}) {
  const element = document.createElement('time');
  if (iso) element.dateTime = iso;
  element.textContent = onlyDate ? dateOnly(iso) : dateTime(iso);
  if (onlyDate && iso) element.title = dateTime(iso);
  return element;
}

// A `datetime-local` input holds a wall-clock time with no zone: the reader's own.

/** `YYYY-MM-DDTHH:MM` of `date` in the reader's time zone, for a datetime-local input. */
export function localInputValue(date) {
  const p = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}T${p(date.getHours())}:${p(date.getMinutes())}`;
}

/** The instant a datetime-local input's value names, or null when it is empty or unreadable. */
export function fromLocalInput(value) {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The reader's time zone by name (e.g. Europe/Lisbon), to say which one a local time is in. */
export function timeZoneName() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'your time zone';
  } catch {
    return 'your time zone';
  }
}

export function candidateName(candidate) {
  const name = [candidate.firstName, candidate.lastName].filter(Boolean).join(' ').trim();
  return name || candidate.email;
}

// Badges: one look for an interview's status and stage and a position's status on every screen
// (`badge-<value>` in console.css).

function badge(value, label, id) {
  const element = document.createElement('span');
  element.className = `badge badge-${value}`;
  if (id) element.id = id;
  element.textContent = label;
  return element;
}

export const statusBadge = (status, id) => badge(status, statusLabel(status), id);
export const stageBadge = (stage, id) => badge(stage, stageLabel(stage), id);
export const positionBadge = (status, id) => badge(status, POSITION_STATUS[status] || status, id);
