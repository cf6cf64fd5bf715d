// Words and dates as the console shows them, in one place.

const STATUS = { invited: 'Invited', in_progress: 'In progress', completed: 'Completed', expired: 'Expired' };
const STAGE = { to_evaluate: 'To evaluate', shortlisted: 'Shortlisted', discarded: 'Discarded' };

export const statusLabel = (status) => STATUS[status] || status;
export const stageLabel = (stage) => STAGE[stage] || stage;
export const STATUSES = Object.keys(STATUS);
export const STAGES = Object.keys(STAGE);

export function scoreLabel(score) {
  return score === null || score === undefined ? 'Not scored' : `${Number(score).toFixed(1)} / 5`;
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

/** A `<time>` element for `iso`, shown as date and time. */
export function timeElement(iso, { dateOnly: onlyDate = false } = {}) {
  const element = document.createElement('time');
  if (iso) element.dateTime = iso;
  element.textContent = onlyDate ? dateOnly(iso) : dateTime(iso);
  return element;
}

export function candidateName(candidate) {
  const name = [candidate.firstName, candidate.lastName].filter(Boolean).join(' ').trim();
  return name || candidate.email;
}
