/*
 * What the share page shows: the interview (position, candidate, review state, each question
 * with its answer: a video or an audio recording with its transcript and, for video, captions;
 * or a written answer) and the error screen. DOM only: no fetching and no page state beyond
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

const KIND_LABELS = { video: 'Video answer', audio: 'Audio answer', text: 'Written answer' };

const $ = (id) => document.getElementById(id);

/** A question's kind of answer; questions from before kinds existed are video. */
function kindOf(question) {
  const kind = question && question.kind;
  return kind === 'audio' || kind === 'text' ? kind : 'video';
}

/** The `srclang` of a captions track: a language tag as given (`en-US`), or the tag of a
 *  language name some services answer with (`english`); null when neither. */
const LANGUAGE_NAMES = {
  english: 'en', german: 'de', french: 'fr', spanish: 'es', italian: 'it', portuguese: 'pt',
  dutch: 'nl', polish: 'pl', swedish: 'sv', danish: 'da', norwegian: 'no', finnish: 'fi',
  japanese: 'ja', chinese: 'zh', korean: 'ko', arabic: 'ar', hebrew: 'he', russian: 'ru',
  ukrainian: 'uk', turkish: 'tr', hindi: 'hi', greek: 'el', czech: 'cs'
};
export function languageTag(language) {
  if (!present(language)) return null;
  const value = language.trim();
  if (/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(value)) return value;
  return LANGUAGE_NAMES[value.toLowerCase()] || null;
}

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

/** The transcript under a recording: its text when ready, else what is happening to it.
 *  Nothing when transcription is off. */
function transcriptBlock(transcript, number) {
  const status = transcript && transcript.status;
  if (!status || status === 'off') return null;
  const block = make('div', 'share-transcript');
  block.dataset.status = status;
  const headingId = 'transcript-' + number + '-title';
  block.setAttribute('role', 'group');
  block.setAttribute('aria-labelledby', headingId);
  const heading = make('h4', 'share-transcript-title', 'Transcript');
  heading.id = headingId;
  block.append(heading);
  if (status === 'ready' && present(transcript.text)) {
    const text = make('p', 'share-transcript-text multiline', transcript.text.trim());
    text.dir = 'auto';
    if (languageTag(transcript.language)) text.lang = languageTag(transcript.language);
    block.append(text);
  } else if (status === 'ready') {
    block.append(make('p', 'share-transcript-note', 'Nothing was said in this recording.'));
  } else if (status === 'pending') {
    block.append(make('p', 'share-transcript-note', 'The transcript is being prepared. Reload the page in a moment to see it.'));
  } else if (status === 'failed') {
    block.append(make('p', 'share-transcript-note', 'The transcript could not be made for this recording.'));
  } else {
    block.append(make('p', 'share-transcript-note', 'Transcript: ' + humanize(status) + '.'));
  }
  return block;
}

/**
 * One answer's player: <audio> for a spoken answer, <video> for a video one (with its captions
 * once the transcript is ready). `refresh(questionId)` resolves with a fresh answer (new
 * playback URL) when the first one fails, since playback URLs expire long before some links do.
 */
function player(question, number, refresh, captionsUrl) {
  const answer = question.answer || {};
  const audio = kindOf(question) === 'audio' || /^audio\//i.test(answer.contentType || '');
  const wrap = make('div', 'share-answer');
  const frame = make('div', audio ? 'share-audio-frame' : 'video-frame share-video-frame');
  const video = document.createElement(audio ? 'audio' : 'video');
  video.setAttribute('controls', '');
  video.setAttribute('preload', 'metadata');
  if (!audio) video.setAttribute('playsinline', '');
  video.className = audio ? 'share-audio' : 'share-video';
  video.setAttribute('aria-label', 'Answer to question ' + number);
  const source = document.createElement('source');
  source.src = answer.playbackUrl;
  if (present(answer.contentType)) source.type = answer.contentType;
  video.append(source);
  const transcript = answer.transcript;
  if (!audio && transcript && transcript.status === 'ready' && captionsUrl && present(question.id)) {
    const track = document.createElement('track');
    track.kind = 'captions';
    track.label = 'Transcript';
    const lang = languageTag(transcript.language);
    if (lang) track.srclang = lang;
    track.src = captionsUrl(question.id);
    track.default = true;
    video.append(track);
  }
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
  const words = transcriptBlock(transcript, number);
  if (words) wrap.append(words);
  return wrap;
}

/** A written answer, as the text it is (line breaks kept, never markup). */
function writtenAnswer(answer) {
  const wrap = make('div', 'share-answer share-written');
  const text = make('p', 'share-written-text multiline', answer.text);
  text.dir = 'auto';
  wrap.append(text);
  return wrap;
}

function questionItem(question, index, total, refresh, captionsUrl, completed) {
  const number = index + 1;
  const kind = kindOf(question);
  const item = make('li', 'share-question');
  item.dataset.kind = kind;
  const titleId = 'question-' + number + '-title';
  item.setAttribute('aria-labelledby', titleId);
  item.dataset.questionId = question.id || '';
  item.dataset.answered = String(Boolean(question.answered && question.answer));
  item.append(make('p', 'share-question-number', 'Question ' + number + ' of ' + total));
  const title = make('h3', 'share-question-text', question.text || '');
  title.id = titleId;
  title.dir = 'auto';
  item.append(title);
  item.append(make('p', 'share-kind', KIND_LABELS[kind]));
  const answer = question.answer;
  if (question.answered && answer && present(answer.playbackUrl)) {
    item.append(player(question, number, refresh, captionsUrl));
  } else if (question.answered && answer && typeof answer.text === 'string') {
    item.append(writtenAnswer(answer));
  } else if (question.answered) {
    item.append(make('p', 'share-no-answer', kind === 'text' ? 'The written answer is not available.' : 'The recording is not available.'));
  } else if (kind === 'text' && !completed) {
    // Written answers are drafts until the candidate submits; they are shown from then on.
    item.append(make('p', 'share-no-answer', 'No answer yet: written answers are shown once the interview is submitted.'));
  } else {
    item.append(make('p', 'share-no-answer', 'No answer'));
  }
  return item;
}

/** Fills the page with the shared interview and moves focus to its heading. */
export function showInterview(data, refresh, captionsUrl) {
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
  const submitted = Boolean(data.completedAt) || data.status === 'completed';
  list.replaceChildren(...questions.map((q, i) => questionItem(q, i, questions.length, refresh, captionsUrl, submitted)));
  if (!questions.length) list.append(make('li', 'share-no-answer', 'This interview has no questions.'));

  document.title = (fullName ? isolate(fullName) : name) + ' · ' +
    (position.name ? isolate(position.name) : 'Shared interview');
  showScreen('interview');
  focusHeading('share-title');
  const answered = questions.filter((q) => q.answered).length;
  announce('Interview of ', fullName ? bdi(fullName) : 'the candidate', ' loaded: ' + answered + ' of ' +
    questions.length + (questions.length === 1 ? ' question' : ' questions') + ' answered.');
}
