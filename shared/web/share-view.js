/*
 * What the share page shows: the interview (position, candidate, review state, each question
 * with its recording) and the error screen. DOM only: no fetching and no page state beyond
 * the elements it fills. Nothing is written as HTML, so no text from the API can become markup.
 * User text (names, the company, questions) sits in its own <bdi> inside the page's sentences,
 * or in an element of its own with dir="auto", so its direction never turns a sentence around.
 */
import { formatSeconds, isolate } from './candidate-util.js';

const STATUS_LABELS = {
  invited: 'Invited',
  in_progress: 'In progress',
  completed: 'Completed',
  expired: 'Expired'
};

const STAGE_LABELS = {
  to_evaluate: 'To evaluate',
  shortlisted: 'Shortlisted',
  discarded: 'Discarded'
};

const $ = (id) => document.getElementById(id);

/** `in_progress` → `In progress`: for a value this page does not know yet. */
function humanize(value) {
  const s = String(value || '').replace(/[_-]+/g, ' ').trim();
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : 'Unknown';
}

function present(value) {
  return typeof value === 'string' && value.trim() !== '';
}

/** A date and time in the reader's language and time zone. */
export function formatDateTime(iso) {
  const d = new Date(iso);
  if (isNaN(d.getTime())) return String(iso);
  try {
    return new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeStyle: 'short' }).format(d);
  } catch (e) {
    return d.toLocaleString();
  }
}

function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function timeElement(iso) {
  const node = make('time', null, formatDateTime(iso));
  node.dateTime = iso;
  return node;
}

/** User text, isolated from the sentence around it. */
function bdi(text) {
  return make('bdi', null, text);
}

/** Says `parts` (the page's own words as strings, user text as nodes) to screen readers
 *  through the page's polite live region. */
export function announce(...parts) {
  const region = $('share-status');
  region.textContent = '';
  // Fresh nodes after a tick, so the same message twice is read twice.
  setTimeout(() => { region.replaceChildren(...parts); }, 50);
}

/** Shows one of `loading`, `interview`, `error` and hides the others. */
export function showScreen(name) {
  for (const id of ['screen-loading', 'screen-interview', 'screen-error']) {
    $(id).hidden = id !== 'screen-' + name;
  }
  document.body.dataset.screen = name;
}

function focusHeading(id) {
  const heading = $(id);
  heading.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

export function showLoading() {
  showScreen('loading');
  announce('Loading the interview…');
}

/**
 * The error screen. `kind` is `expired`, `not_found`, `network` or `unavailable`; `onRetry`,
 * when given, is offered as a "Try again" button.
 */
export function showError(kind, onRetry) {
  const texts = {
    expired: ['This link has expired', 'Ask the person who shared it with you for a new one.'],
    not_found: ['This link is not valid', 'It may have been revoked, or mistyped. Ask the person who shared it with you.'],
    network: ['We could not load the interview', 'Check your internet connection and try again.'],
    unavailable: ['The interview cannot be shown right now', 'Please try again in a moment.']
  };
  const [title, message] = texts[kind] || texts.unavailable;
  const screen = $('screen-error');
  screen.dataset.kind = kind;
  $('error-title').textContent = title;
  $('error-message').textContent = message;
  const retry = $('retry');
  retry.hidden = !onRetry;
  retry.onclick = onRetry || null;
  document.title = title;
  showScreen('error');
  focusHeading('error-title');
  announce(title + '. ' + message);
}

function fillContact(candidate) {
  const email = present(candidate.email) ? candidate.email.trim() : null;
  const phone = present(candidate.phone) ? candidate.phone.trim() : null;
  const emailLink = $('candidate-email');
  const phoneLink = $('candidate-phone');
  emailLink.textContent = email || '';
  phoneLink.textContent = phone || '';
  if (email) emailLink.href = 'mailto:' + email;
  else emailLink.removeAttribute('href');
  if (phone) phoneLink.href = 'tel:' + phone.replace(/[^0-9+]/g, '');
  else phoneLink.removeAttribute('href');
  $('candidate-email-row').hidden = !email;
  $('candidate-phone-row').hidden = !phone;
  $('candidate-contact').hidden = !email && !phone;
}

function scoreText(score) {
  if (typeof score !== 'number' || !isFinite(score)) return 'Not scored';
  return score + ' / 5';
}

/**
 * Recordings made with MediaRecorder carry no duration, so the player would show no length and
 * could not seek. Seeking far past the end makes the browser find the real end; then the player
 * goes back to the start. Done only when the video comes near the screen, as it reads the file.
 */
function settleDuration(video, onKnown) {
  let near = false;
  let started = false;

  function known() {
    if (!isFinite(video.duration) || video.duration <= 0) return false;
    onKnown(video.duration);
    return true;
  }

  function start() {
    if (started || !near || video.readyState < 1) return;
    started = true;
    if (known()) return;
    const back = () => {
      if (!isFinite(video.duration)) return;
      video.removeEventListener('durationchange', back);
      video.removeEventListener('timeupdate', back);
      video.currentTime = 0;
      known();
    };
    video.addEventListener('durationchange', back);
    video.addEventListener('timeupdate', back);
    video.currentTime = Number.MAX_SAFE_INTEGER;
  }

  video.addEventListener('loadedmetadata', start);
  if (typeof IntersectionObserver === 'function') {
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        observer.disconnect();
        near = true;
        start();
      }
    }, { rootMargin: '300px 0px' });
    observer.observe(video);
  } else {
    near = true;
  }
}

/**
 * One answer's player. `refresh(questionId)` resolves with a fresh answer (new playback URL)
 * when the first one fails, since playback URLs expire long before some links do.
 */
function player(question, number, refresh) {
  const answer = question.answer || {};
  const wrap = make('div', 'share-answer');
  const frame = make('div', 'video-frame share-video-frame');
  const video = document.createElement('video');
  video.setAttribute('controls', '');
  video.setAttribute('preload', 'metadata');
  video.setAttribute('playsinline', '');
  video.className = 'share-video';
  video.setAttribute('aria-label', 'Answer to question ' + number);
  const source = document.createElement('source');
  source.src = answer.playbackUrl;
  if (present(answer.contentType)) source.type = answer.contentType;
  video.append(source);
  frame.append(video);

  const length = make('p', 'hint share-length');
  length.hidden = true;
  const showLength = (seconds) => {
    length.textContent = 'Length ' + formatSeconds(seconds);
    length.hidden = false;
  };
  const given = answer.durationSeconds;
  if (typeof given === 'number' && isFinite(given) && given > 0) showLength(given);
  else settleDuration(video, showLength);

  const problem = make('p', 'notice notice-error share-video-error');
  problem.hidden = true;
  problem.setAttribute('role', 'alert');

  let refreshed = false;
  source.addEventListener('error', () => {
    if (present(answer.contentType) && video.canPlayType(answer.contentType) === '') {
      problem.textContent = 'This browser cannot play this recording (' + answer.contentType + '). ';
      const link = make('a', null, 'Open the recording');
      link.href = source.src;
      link.rel = 'noreferrer';
      problem.append(link);
      problem.hidden = false;
      return;
    }
    if (!refreshed && refresh) {
      refreshed = true;
      refresh(question.id).then((fresh) => {
        if (!fresh || !fresh.playbackUrl) throw new Error('no recording');
        source.src = fresh.playbackUrl;
        video.load();
      }).catch(() => {
        problem.textContent = 'This recording could not be loaded. Reload the page to try again.';
        problem.hidden = false;
      });
      return;
    }
    problem.textContent = 'This recording could not be loaded. Reload the page to try again.';
    problem.hidden = false;
  });

  wrap.append(frame, length, problem);
  return wrap;
}

function questionItem(question, index, total, refresh) {
  const number = index + 1;
  const item = make('li', 'share-question');
  const titleId = 'question-' + number + '-title';
  item.setAttribute('aria-labelledby', titleId);
  item.dataset.questionId = question.id || '';
  item.dataset.answered = String(Boolean(question.answered && question.answer));
  item.append(make('p', 'share-question-number', 'Question ' + number + ' of ' + total));
  const title = make('h3', 'share-question-text', question.text || '');
  title.id = titleId;
  title.dir = 'auto';
  item.append(title);
  if (question.answered && question.answer && present(question.answer.playbackUrl)) {
    item.append(player(question, number, refresh));
  } else if (question.answered) {
    item.append(make('p', 'share-no-answer', 'The recording is not available.'));
  } else {
    item.append(make('p', 'share-no-answer', 'No answer'));
  }
  return item;
}

/** Fills the page with the shared interview and moves focus to its heading. */
export function showInterview(data, refresh) {
  const position = data.position || {};
  const candidate = data.candidate || {};
  const fullName = [candidate.firstName, candidate.lastName].filter(present).join(' ');
  const name = fullName || 'Candidate';

  $('brand').textContent = position.company || 'Shared interview';
  $('share-position').textContent = position.name || 'Interview';
  $('share-company').textContent = position.company || '';
  $('share-company').parentElement.hidden = !present(position.company);
  $('candidate-name').textContent = name;
  fillContact(candidate);

  $('share-interview-status').textContent = STATUS_LABELS[data.status] || humanize(data.status);
  const stage = $('share-stage');
  stage.textContent = STAGE_LABELS[data.stage] || humanize(data.stage);
  stage.className = 'stage stage-' + String(data.stage || 'unknown').replace(/[^a-z_]/g, '');
  $('share-score').textContent = scoreText(data.score);
  const completed = $('share-completed');
  completed.replaceChildren();
  if (data.completedAt) completed.append(timeElement(data.completedAt));
  $('share-completed-row').hidden = !data.completedAt;

  const expiry = $('share-expiry');
  expiry.replaceChildren();
  if (data.expiresAt) {
    expiry.append('This link expires on ', timeElement(data.expiresAt), '.');
  }
  expiry.hidden = !data.expiresAt;

  const questions = Array.isArray(data.questions) ? data.questions : [];
  const list = $('share-questions');
  list.replaceChildren(...questions.map((q, i) => questionItem(q, i, questions.length, refresh)));
  if (!questions.length) list.append(make('li', 'share-no-answer', 'This interview has no questions.'));

  document.title = (fullName ? isolate(fullName) : name) + ' · ' +
    (position.name ? isolate(position.name) : 'Shared interview');
  showScreen('interview');
  focusHeading('share-title');
  const answered = questions.filter((q) => q.answered).length;
  announce('Interview of ', fullName ? bdi(fullName) : 'the candidate', ' loaded: ' + answered + ' of ' +
    questions.length + (questions.length === 1 ? ' question' : ' questions') + ' answered.');
}
