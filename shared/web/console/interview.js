// One interview, where a reviewer watches and judges one candidate (/app/interviews/{id}).
//
// The answers play one at a time in a single player (a reviewer compares candidates question by
// question, so the page does not fill with players); beside them the transcript, the advisory
// evaluation, the score, the stage, the comments and the timeline. Below, what is done to the
// interview itself: its link (with a QR code), the deadline, share links, deleting it.
//
// Responses of the review endpoints (score, stage, resend, …) carry no playback URLs, so they
// only update the fields they change; the answers come from GET /v1/interviews/{id} alone.

import { api, apiText, ApiError, describe } from './api.js';
import { h, replace, toast, errorBox, errorSlot, showError, busy, confirmDialog, copyField, FieldErrors, cell } from './ui.js';
import {
  stageLabel, scoreLabel, dateTime, timeElement, candidateName, STAGES, SCORES, statusBadge, stageBadge, plural,
  localInputValue, fromLocalInput, timeZoneName,
} from './format.js';
import { qrSvg } from './qr.js';

const KIND_LABELS = { video: 'Video answer', audio: 'Audio answer', text: 'Written answer' };
const STAGE_BUTTONS = { to_evaluate: 'To evaluate', shortlisted: 'Shortlist', discarded: 'Discard' };
// Fields a review response changes; `answers` and `evaluation` stay as GET gave them.
const SUMMARY_FIELDS = ['status', 'stage', 'score', 'candidate', 'externalId', 'url', 'deadline', 'startedAt',
  'completedAt', 'email', 'timeline', 'questions', 'share'];
// While a transcript or the evaluation is being made, the screen asks again this often (and
// gives up after a while: a reload shows it too).
const POLL_MS = 8000;
const POLL_MAX = 40;

const enc = encodeURIComponent;

export async function render(context) {
  const screen = new InterviewScreen(context);
  await screen.load();
  return { onKey: (event) => screen.onKey(event), leave: () => screen.leave() };
}

function formatSeconds(seconds) {
  const total = Math.max(0, Math.floor(seconds));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

function present(value) {
  return typeof value === 'string' && value.trim() !== '';
}

/** A transcript's language as a `lang`/`srclang` tag, when it is one. */
function languageTag(language) {
  return present(language) && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(language.trim()) ? language.trim() : null;
}

function humanize(value) {
  const s = String(value || '').replace(/[_-]+/g, ' ').trim();
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : 'Unknown';
}

class InterviewScreen {
  constructor(context) {
    this.context = context;
    this.id = context.params.id;
    this.base = `/v1/interviews/${enc(this.id)}`;
    this.left = false;
    this.current = 0;
    this.media = null;
    this.mediaToken = 0;
    this.blobUrls = [];
    this.judging = Promise.resolve();
    this.pollTimer = null;
    this.polls = 0;
    this.lastRefresh = 0;
    this.order = null;
    this.el = {};
  }

  // --- Loading ----------------------------------------------------------------------------

  async load() {
    this.iv = await api('GET', this.base);
    const pid = this.iv.positionId;
    const [position, comments, shares] = await Promise.all([
      api('GET', `/v1/positions/${enc(pid)}`).catch((error) => ({ error })),
      api('GET', `${this.base}/comments`).catch((error) => ({ error })),
      api('GET', `${this.base}/shares`).catch((error) => ({ error })),
    ]);
    this.position = position.error ? null : position;
    this.comments = comments.error ? { error: comments.error } : { items: comments.items };
    this.shares = shares.error ? { error: shares.error } : { items: shares.items };

    const wanted = Number(this.context.query.get('q'));
    const questions = this.iv.questions || [];
    if (Number.isInteger(wanted) && wanted >= 1 && wanted <= questions.length) this.current = wanted - 1;
    else this.current = Math.max(0, questions.findIndex((q) => q.answered));

    this.build();
    this.context.setTitle(candidateName(this.iv.candidate));
    this.loadOrder();
    this.schedulePoll();
  }

  leave() {
    this.left = true;
    clearTimeout(this.pollTimer);
    this.disposeMedia();
  }

  answerFor(question) {
    return (this.iv.answers || []).find((a) => a.questionId === question.id) || null;
  }

  positionHref() {
    const order = this.context.shared.candidateOrder;
    const query = order && order.positionId === this.iv.positionId && order.query ? order.query : '';
    return `/app/positions/${enc(this.iv.positionId)}${query}`;
  }

  merge(fresh, { quiet = false } = {}) {
    if (!fresh) return;
    const statusBefore = this.iv.status;
    for (const key of SUMMARY_FIELDS) if (key in fresh) this.iv[key] = fresh[key];
    if (!quiet || this.iv.status !== statusBefore) {
      this.renderSummary();
      return;
    }
    // A background refresh leaves the forms alone, so nothing being typed is lost.
    this.renderHeader();
    this.renderJudgeState();
    this.renderTimeline();
    this.renderQuestionList();
  }

  /** Everything but the answers area, after the interview's fields changed. */
  renderSummary() {
    this.renderHeader();
    this.renderJudgeState();
    this.renderTimeline();
    this.renderLink();
    this.renderDeadline();
    this.renderQuestionList();
  }

  // --- Layout -----------------------------------------------------------------------------

  build() {
    const { view } = this.context;
    this.el.header = h('div', { class: 'iv-header' });
    this.el.answers = h('div', { class: 'iv-answer' });
    this.el.questionList = h('ol', { class: 'iv-questions', id: 'iv-questions' });
    this.el.evaluation = h('section', { class: 'card iv-evaluation', id: 'iv-evaluation', 'aria-labelledby': 'iv-evaluation-title' });
    this.el.timeline = h('ol', { class: 'iv-timeline', id: 'iv-timeline' });
    this.el.link = h('div', { class: 'iv-link-body' });
    this.el.deadline = h('div', {});
    this.el.shares = h('div', {});
    this.el.comments = h('div', {});

    const answersCard = h('section', { class: 'card iv-answers', 'aria-labelledby': 'iv-answers-title' },
      h('h2', { id: 'iv-answers-title' }, 'Answers'),
      this.el.answers,
      h('h3', { class: 'iv-questions-title', id: 'iv-questions-title' }, 'All questions'),
      h('nav', { 'aria-labelledby': 'iv-questions-title' }, this.el.questionList));

    view.append(h('section', { class: 'screen interview' },
      this.el.header,
      h('div', { class: 'iv-layout' },
        h('div', { class: 'iv-main' }, answersCard, this.el.evaluation),
        h('div', { class: 'iv-side' },
          this.buildJudge(),
          h('section', { class: 'card', 'aria-labelledby': 'iv-comments-title' },
            h('h2', { id: 'iv-comments-title' }, 'Comments'), this.el.comments),
          h('section', { class: 'card', 'aria-labelledby': 'iv-timeline-title' },
            h('h2', { id: 'iv-timeline-title' }, 'Timeline'), this.el.timeline))),
      h('div', { class: 'iv-more' },
        h('section', { class: 'card', 'aria-labelledby': 'iv-link-title' },
          h('h2', { id: 'iv-link-title' }, 'Candidate link'), this.el.link),
        h('section', { class: 'card', 'aria-labelledby': 'iv-deadline-title' },
          h('h2', { id: 'iv-deadline-title' }, 'Deadline'), this.el.deadline),
        h('section', { class: 'card', 'aria-labelledby': 'iv-shares-title' },
          h('h2', { id: 'iv-shares-title' }, 'Share links'), this.el.shares),
        this.buildDelete())));

    this.buildHeader();
    this.renderHeader();
    this.renderJudgeState();
    this.showQuestion(this.current);
    this.renderComments();
    this.renderTimeline();
    this.renderLink();
    this.renderDeadline();
    this.renderShares();
  }

  // --- Header -----------------------------------------------------------------------------

  /** The header is built once (its heading keeps the focus app.js gives it); its parts change. */
  buildHeader() {
    this.el.prevCandidate = h('button', { type: 'button', class: 'btn btn-small', id: 'iv-prev-candidate', disabled: true,
      title: 'Previous candidate (k)', onclick: () => this.moveCandidate(-1) }, '‹ Previous', h('span', { class: 'visually-hidden' }, ' candidate'));
    this.el.nextCandidate = h('button', { type: 'button', class: 'btn btn-small', id: 'iv-next-candidate', disabled: true,
      title: 'Next candidate (j)', onclick: () => this.moveCandidate(1) }, 'Next', h('span', { class: 'visually-hidden' }, ' candidate'), ' ›');
    this.el.orderText = h('span', { class: 'muted iv-order', id: 'iv-order' });
    this.el.crumbName = h('span', { 'aria-current': 'page', dir: 'auto' });
    this.el.title = h('h1', { id: 'iv-title', dir: 'auto' });
    this.el.contact = h('p', { class: 'iv-contact' });
    this.el.badges = h('p', { class: 'iv-badges' });
    this.el.dates = h('dl', { class: 'iv-dates' });
    replace(this.el.header,
      h('nav', { 'aria-label': 'Breadcrumb', class: 'breadcrumb' },
        h('ol', { class: 'iv-crumbs' },
          h('li', {}, h('a', { href: '/app', 'data-link': true }, 'Positions')),
          h('li', {}, h('a', { href: this.positionHref(), 'data-link': true, id: 'iv-position-link', dir: 'auto' },
            this.position ? this.position.name : 'Position')),
          h('li', {}, this.el.crumbName))),
      h('div', { class: 'page-header' },
        h('div', { class: 'iv-heading' }, this.el.title, this.el.contact),
        h('div', { class: 'iv-candidate-nav', role: 'group', 'aria-label': 'Candidates in the list' },
          this.el.prevCandidate, this.el.orderText, this.el.nextCandidate)),
      this.el.badges,
      this.el.dates);
  }

  renderHeader() {
    const iv = this.iv;
    const name = candidateName(iv.candidate);
    const c = iv.candidate;
    if (this.el.title.textContent !== name) {
      this.el.title.textContent = name;
      this.el.crumbName.textContent = name;
    }
    const contact = [];
    if (present(c.email)) contact.push(h('a', { href: `mailto:${c.email}`, id: 'iv-email' }, c.email));
    if (present(c.phone)) contact.push(h('a', { href: `tel:${c.phone.replace(/[^0-9+]/g, '')}`, id: 'iv-phone' }, c.phone));
    if (present(iv.externalId)) contact.push(h('span', { id: 'iv-external-id' }, 'External ID: ', h('bdi', {}, iv.externalId)));
    replace(this.el.contact, contact);
    this.el.contact.hidden = !contact.length;
    replace(this.el.badges,
      statusBadge(iv.status, 'iv-status'),
      stageBadge(iv.stage, 'iv-stage'),
      h('span', { class: 'iv-score-badge', id: 'iv-score' }, `Score: ${scoreLabel(iv.score)}`));
    replace(this.el.dates,
      h('div', {}, h('dt', {}, 'Invited'), h('dd', {}, timeElement(iv.createdAt))),
      h('div', {}, h('dt', {}, 'Started'), h('dd', {}, iv.startedAt ? timeElement(iv.startedAt) : 'Not yet')),
      h('div', {}, h('dt', {}, 'Completed'), h('dd', {}, iv.completedAt ? timeElement(iv.completedAt) : 'Not yet')),
      h('div', {}, h('dt', {}, 'Deadline'), h('dd', { id: 'iv-deadline-shown' }, iv.deadline ? timeElement(iv.deadline) : 'None')));
  }

  // --- Candidate order (j/k) --------------------------------------------------------------

  /** The list the reviewer came from, or else the first page of the position's interviews. */
  loadOrder() {
    const shared = this.context.shared.candidateOrder;
    if (shared && shared.positionId === this.iv.positionId && shared.ids.includes(this.id)) {
      this.order = Promise.resolve(shared);
    } else {
      const pid = this.iv.positionId;
      this.order = api('GET', `/v1/positions/${enc(pid)}/interviews?limit=50`).then((page) => {
        const order = { positionId: pid, ids: page.items.map((i) => i.id), query: '' };
        if (!this.left) this.context.shared.candidateOrder = order;
        return order;
      });
    }
    this.order.then(() => this.renderOrder(), () => {});
  }

  async renderOrder() {
    if (!this.order || !this.el.orderText) return;
    let order;
    try {
      order = await this.order;
    } catch {
      return;
    }
    const index = order.ids.indexOf(this.id);
    if (index < 0) return;
    this.el.orderText.textContent = `${index + 1} of ${order.ids.length}`;
    this.el.prevCandidate.disabled = index === 0;
    this.el.nextCandidate.disabled = index === order.ids.length - 1;
  }

  async moveCandidate(step) {
    let order;
    try {
      order = await this.order;
    } catch (error) {
      toast(describe(error), 'error');
      return;
    }
    if (this.left) return;
    const index = order.ids.indexOf(this.id);
    if (index < 0) {
      toast('This candidate is not in the list you came from.', 'error');
      return;
    }
    const next = order.ids[index + step];
    if (!next) {
      toast(step > 0 ? 'This is the last candidate in the list.' : 'This is the first candidate in the list.');
      return;
    }
    this.context.navigate(`/app/interviews/${enc(next)}`);
  }

  // --- Answers ----------------------------------------------------------------------------

  disposeMedia() {
    this.mediaToken += 1;
    if (this.media) {
      this.media.pause();
      this.media.removeAttribute('src');
      this.media.load(); // stops the download of the old recording
      this.media = null;
    }
    for (const url of this.blobUrls) URL.revokeObjectURL(url);
    this.blobUrls = [];
  }

  showQuestion(index) {
    const questions = this.iv.questions || [];
    this.disposeMedia();
    if (!questions.length) {
      replace(this.el.answers, h('p', { class: 'muted' }, 'This interview has no questions.'));
      this.renderEvaluation();
      return;
    }
    this.current = Math.min(Math.max(0, index), questions.length - 1);
    const url = new URL(location.href);
    url.searchParams.set('q', String(this.current + 1));
    history.replaceState(history.state, '', url.pathname + url.search);

    const question = questions[this.current];
    const answer = this.answerFor(question);
    const number = this.current + 1;
    // The controls are built anew: keep the keyboard where it was.
    const active = document.activeElement;
    const refocus = active && this.el.answers.contains(active) ? active.id
      : active && this.el.questionList.contains(active) ? 'list' : null;
    this.el.playerError = errorSlot('iv-player-error');
    this.el.transcript = h('div', { class: 'iv-transcript', id: 'iv-transcript' });

    const prev = h('button', { type: 'button', class: 'btn', id: 'iv-prev-question', disabled: this.current === 0,
      onclick: () => this.showQuestion(this.current - 1) }, '‹ Previous', h('span', { class: 'visually-hidden-narrow' }, ' question'));
    const next = h('button', { type: 'button', class: 'btn', id: 'iv-next-question', disabled: this.current === questions.length - 1,
      onclick: () => this.showQuestion(this.current + 1) }, 'Next', h('span', { class: 'visually-hidden-narrow' }, ' question'), ' ›');
    const remove = question.answered
      ? h('button', { type: 'button', class: 'btn text-danger', id: 'iv-delete-answer', onclick: (e) => this.deleteAnswer(question, e.currentTarget) },
        'Delete this answer')
      : null;

    replace(this.el.answers,
      h('p', { class: 'iv-question-number muted', id: 'iv-question-number' },
        `Question ${number} of ${questions.length} · ${KIND_LABELS[question.kind] || humanize(question.kind)}`),
      h('h3', { class: 'iv-question-text', id: 'iv-question-text', dir: 'auto' }, question.text),
      h('div', { class: 'iv-stage-area', id: 'iv-stage-area' }, this.answerBody(question, answer, number)),
      this.el.playerError,
      h('div', { class: 'actions iv-question-actions' }, prev, next, remove),
      this.el.transcript);
    this.renderTranscript(question, answer);
    this.renderQuestionList();
    this.renderEvaluation();
    if (refocus === 'list') {
      this.el.questionList.querySelector('[aria-current="true"]').focus();
    } else if (refocus === 'iv-prev-question' || refocus === 'iv-next-question') {
      // At the first or last question its button is disabled: the other one takes the focus.
      const wanted = refocus === 'iv-prev-question' ? prev : next;
      (wanted.disabled ? (wanted === prev ? next : prev) : wanted).focus();
    }
  }

  answerBody(question, answer, number) {
    if (answer && answer.kind === 'text') {
      return h('div', { class: 'iv-written' },
        h('p', { class: 'iv-written-text', id: 'iv-written-text', dir: 'auto' }, answer.text),
        h('p', { class: 'hint' }, `${answer.characters} characters · saved `, timeElement(answer.confirmedAt)));
    }
    if (answer && present(answer.playbackUrl)) return this.player(question, answer, number);
    if (answer) return h('p', { class: 'notice' }, 'The recording is not available.');
    if (question.answered && question.kind === 'text') {
      return h('p', { class: 'notice', id: 'iv-no-answer' }, 'The candidate has written an answer; it is shown once they submit the interview.');
    }
    return h('p', { class: 'notice', id: 'iv-no-answer' }, 'No answer yet.');
  }

  player(question, answer, number) {
    const audio = answer.kind === 'audio' || /^audio\//i.test(answer.contentType || '');
    const token = this.mediaToken;
    const media = h(audio ? 'audio' : 'video', {
      id: 'iv-player',
      class: audio ? 'iv-audio' : 'iv-video',
      controls: true,
      preload: 'metadata',
      playsinline: audio ? null : true,
      'aria-label': `Answer to question ${number}`,
    });
    media.src = answer.playbackUrl;
    this.media = media;
    const length = h('span', { class: 'hint', id: 'iv-length' });
    const showLength = (seconds) => { length.textContent = `Length ${formatSeconds(seconds)}`; };
    if (typeof answer.durationSeconds === 'number' && answer.durationSeconds > 0) showLength(answer.durationSeconds);
    this.settleDuration(media, showLength);
    media.addEventListener('error', () => this.playbackFailed(media, question, answer, token));
    media.addEventListener('loadeddata', () => { this.el.playerError.hidden = true; });

    if (!audio && answer.transcript && answer.transcript.status === 'ready') this.addCaptions(media, question, answer, token);
    const attempts = answer.attempts > 1 ? ` · take ${answer.attempts}` : '';
    return h('div', { class: audio ? 'iv-audio-frame' : 'iv-video-frame' }, media,
      h('p', { class: 'iv-media-meta' }, length, h('span', { class: 'hint' }, `Recorded `, timeElement(answer.confirmedAt), attempts)));
  }

  /**
   * Recordings made with MediaRecorder carry no duration, so the player shows no length and
   * cannot seek. Seeking far past the end makes the browser find it; then back to the start.
   */
  settleDuration(media, onKnown) {
    media.addEventListener('loadedmetadata', () => {
      if (Number.isFinite(media.duration) && media.duration > 0) {
        onKnown(media.duration);
        return;
      }
      const back = () => {
        if (!Number.isFinite(media.duration)) return;
        media.removeEventListener('durationchange', back);
        media.removeEventListener('timeupdate', back);
        media.currentTime = 0;
        onKnown(media.duration);
      };
      media.addEventListener('durationchange', back);
      media.addEventListener('timeupdate', back);
      media.currentTime = Number.MAX_SAFE_INTEGER;
    }, { once: true });
  }

  /** Captions need the API key, which a <track src> cannot send: fetch them, hand over a blob. */
  async addCaptions(media, question, answer, token) {
    try {
      const text = await apiText(`${this.base}/answers/${enc(question.id)}/captions.vtt`);
      if (token !== this.mediaToken || this.left) return;
      const url = URL.createObjectURL(new Blob([text], { type: 'text/vtt' }));
      this.blobUrls.push(url);
      const track = h('track', { kind: 'captions', label: 'Transcript', srclang: languageTag(answer.transcript.language) });
      track.default = true;
      track.src = url;
      media.append(track);
    } catch (error) {
      if (token !== this.mediaToken || this.left) return;
      this.el.transcript.append(h('p', { class: 'hint', id: 'iv-captions-error' }, `Captions could not be loaded: ${describe(error)}`));
    }
  }

  /** Playback URLs expire after an hour: the first failure asks for fresh ones. */
  async playbackFailed(media, question, answer, token) {
    if (token !== this.mediaToken || this.left) return;
    const problem = this.el.playerError;
    if (present(answer.contentType) && media.canPlayType(answer.contentType) === '') {
      replace(problem, h('p', {}, `This browser cannot play this recording (${answer.contentType}). `,
        h('a', { href: answer.playbackUrl, rel: 'noreferrer', target: '_blank' }, 'Download the recording')));
      problem.hidden = false;
      return;
    }
    if (Date.now() - this.lastRefresh > 30000) {
      this.lastRefresh = Date.now();
      try {
        const fresh = await api('GET', this.base);
        if (token !== this.mediaToken || this.left) return;
        this.iv.answers = fresh.answers;
        this.iv.evaluation = fresh.evaluation;
        this.merge(fresh, { quiet: true });
        const again = this.answerFor(question);
        if (again && present(again.playbackUrl)) {
          const at = media.currentTime;
          media.src = again.playbackUrl;
          media.addEventListener('loadedmetadata', () => { if (at > 0) media.currentTime = at; }, { once: true });
          media.load();
          return;
        }
      } catch (error) {
        if (token !== this.mediaToken || this.left) return;
        replace(problem, h('p', {}, `The recording could not be loaded: ${describe(error)}`));
        problem.hidden = false;
        return;
      }
    }
    replace(problem, h('p', {}, 'The recording could not be loaded. ',
      h('button', { type: 'button', class: 'btn btn-small', onclick: () => { this.lastRefresh = 0; this.playbackFailed(media, question, answer, token); } }, 'Try again')));
    problem.hidden = false;
  }

  togglePlayback() {
    const media = this.media;
    if (!media) return false;
    if (media.paused || media.ended) {
      media.play().catch((error) => {
        if (error && error.name === 'AbortError') return; // a pause or a new source came first
        replace(this.el.playerError, h('p', {}, 'The recording could not be played.'));
        this.el.playerError.hidden = false;
      });
    } else {
      media.pause();
    }
    return true;
  }

  renderTranscript(question, answer) {
    const block = this.el.transcript;
    if (!answer || answer.kind === 'text') {
      replace(block);
      block.hidden = true;
      return;
    }
    block.hidden = false;
    const transcript = answer.transcript || { status: 'off' };
    block.dataset.status = transcript.status;
    const heading = h('h4', { class: 'iv-transcript-title' }, 'Transcript');
    let body;
    if (transcript.status === 'ready') {
      const segments = Array.isArray(transcript.segments) ? transcript.segments : [];
      const lang = languageTag(transcript.language);
      if (segments.length) {
        body = h('ol', { class: 'iv-segments', id: 'iv-transcript-text', lang },
          segments.map((s) => h('li', {},
            h('button', { type: 'button', class: 'iv-seek', 'aria-label': `Play from ${formatSeconds(s.start)}`,
              onclick: () => this.seek(s.start) }, formatSeconds(s.start)),
            ' ', h('span', { dir: 'auto' }, s.text.trim()))));
      } else if (present(transcript.text)) {
        body = h('p', { class: 'iv-transcript-text', id: 'iv-transcript-text', dir: 'auto', lang }, transcript.text.trim());
      } else {
        body = h('p', { class: 'muted' }, 'Nothing was said in this recording.');
      }
      body = [body, h('p', { class: 'hint' }, 'Made by a speech-to-text service: it may mishear.')];
    } else if (transcript.status === 'pending') {
      body = h('p', { class: 'muted' }, 'The transcript is being prepared; it shows here when it is ready.');
    } else if (transcript.status === 'failed') {
      body = h('p', { class: 'muted' }, 'The transcript could not be made for this recording.');
    } else if (transcript.status === 'off') {
      body = h('p', { class: 'muted' }, 'No transcript: transcription is off for this answer.');
    } else {
      body = h('p', { class: 'muted' }, `Transcript: ${humanize(transcript.status)}.`);
    }
    const captionsError = block.querySelector('#iv-captions-error');
    replace(block, heading, body, captionsError);
  }

  seek(seconds) {
    if (!this.media) return;
    this.media.currentTime = seconds;
    this.media.play().catch(() => {});
  }

  renderQuestionList() {
    const questions = this.iv.questions || [];
    replace(this.el.questionList, questions.map((q, i) => {
      const answer = this.answerFor(q);
      const state = answer ? 'Answered' : q.answered ? 'Answered (draft)' : 'No answer';
      return h('li', {},
        h('button', { type: 'button', class: 'iv-question-button', 'aria-current': i === this.current ? 'true' : null,
          dataset: { index: String(i), answered: String(Boolean(q.answered)) }, onclick: () => this.showQuestion(i) },
          h('span', { class: 'iv-question-index' }, `${i + 1}.`),
          h('span', { class: 'iv-question-label', dir: 'auto' }, q.text),
          h('span', { class: `iv-question-state${q.answered ? ' is-answered' : ''}` },
            `${KIND_LABELS[q.kind] || humanize(q.kind)} · ${state}`)));
    }));
  }

  async deleteAnswer(question, button) {
    const number = (this.iv.questions || []).indexOf(question) + 1;
    const notify = h('input', { type: 'checkbox', id: 'iv-delete-answer-notify' });
    const recorded = question.kind !== 'text';
    const ok = await confirmDialog({
      title: `Delete the answer to question ${number}?`,
      body: [
        h('p', {}, recorded
          ? 'The recording and its transcript are removed for good. The candidate records this question again with the same link.'
          : 'The written answer is removed for good. The candidate writes it again with the same link.'),
        h('p', {}, 'The other answers stay. A submitted interview goes back to in progress until the candidate submits again, and its advisory evaluation is removed.'),
        h('div', { class: 'checkbox' }, notify, h('label', { for: notify.id }, 'Email the candidate that this answer is wanted again')),
      ],
      confirmLabel: 'Delete the answer',
      danger: true,
    });
    if (!ok) return;
    try {
      await busy(button, 'Deleting…', async () => {
        await api('DELETE', `${this.base}/answers/${enc(question.id)}${notify.checked ? '?notify=true' : ''}`);
        const fresh = await api('GET', this.base);
        this.iv = fresh;
      });
    } catch (error) {
      if (button.isConnected) {
        showError(this.el.playerError, error);
      } else {
        toast(describe(error), 'error');
      }
      return;
    }
    toast(`The answer to question ${number} was deleted.`);
    this.renderSummary();
    this.showQuestion(this.current);
    this.schedulePoll();
  }

  // --- Advisory evaluation ----------------------------------------------------------------

  renderEvaluation() {
    const box = this.el.evaluation;
    const evaluation = this.iv.evaluation;
    if (!evaluation) {
      replace(box);
      box.hidden = true;
      return;
    }
    box.hidden = false;
    const parts = [
      h('h2', { id: 'iv-evaluation-title' }, 'Advisory evaluation'),
      h('p', { class: 'notice notice-warn iv-advisory' },
        h('strong', {}, 'Suggestions, people decide. '),
        'A language model compared the answers with each question’s rubric. It never sets the score or the stage.'),
    ];
    if (evaluation.status === 'pending') {
      parts.push(h('p', { class: 'muted', id: 'iv-evaluation-state' }, 'Being prepared: it waits for the transcripts of the answers.'));
    } else if (evaluation.status === 'failed') {
      parts.push(h('p', { class: 'muted', id: 'iv-evaluation-state' }, 'The evaluation could not be made',
        present(evaluation.reason) ? `: ${evaluation.reason}` : '.'));
    } else {
      const question = (this.iv.questions || [])[this.current];
      const entry = question && (evaluation.questions || []).find((q) => q.questionId === question.id);
      if (!entry) {
        parts.push(h('p', { class: 'muted', id: 'iv-evaluation-state' }, 'No suggestion for this question (it has no rubric, or no answer).'));
      } else {
        parts.push(h('div', { class: 'iv-suggestion', id: 'iv-suggestion' },
          h('p', { class: 'iv-suggested-score' }, 'Suggested score for this answer: ', h('strong', {}, `${entry.suggestedScore} / 5`)),
          h('p', { dir: 'auto' }, entry.summary),
          entry.covered && entry.covered.length
            ? [h('h3', {}, 'Covers'), h('ul', {}, entry.covered.map((c) => h('li', { dir: 'auto' }, c)))] : null,
          entry.missed && entry.missed.length
            ? [h('h3', {}, 'Misses'), h('ul', {}, entry.missed.map((c) => h('li', { dir: 'auto' }, c)))] : null));
      }
      parts.push(h('p', { class: 'hint' }, `By ${evaluation.model || 'a model'}, `, timeElement(evaluation.createdAt), '.'));
    }
    replace(box, ...parts);
  }

  /** Asks again while a transcript or the evaluation is on its way. */
  schedulePoll() {
    clearTimeout(this.pollTimer);
    const waiting = (this.iv.answers || []).some((a) => a.transcript && a.transcript.status === 'pending') ||
      (this.iv.evaluation && this.iv.evaluation.status === 'pending');
    if (!waiting || this.left || this.polls >= POLL_MAX) return;
    this.pollTimer = setTimeout(async () => {
      this.polls += 1;
      try {
        const fresh = await api('GET', this.base);
        if (this.left) return;
        const question = (this.iv.questions || [])[this.current];
        const before = question ? JSON.stringify((this.answerFor(question) || {}).transcript || null) : null;
        // The player keeps its URL; the fresh ones wait for the next question change.
        this.iv.answers = fresh.answers;
        this.iv.evaluation = fresh.evaluation;
        this.merge(fresh, { quiet: true });
        this.renderEvaluation();
        if (question) {
          const answer = this.answerFor(question);
          if (JSON.stringify((answer || {}).transcript || null) !== before) {
            this.renderTranscript(question, answer);
            const media = this.media;
            if (media && media.tagName === 'VIDEO' && answer && answer.transcript && answer.transcript.status === 'ready' &&
              !media.querySelector('track')) {
              this.addCaptions(media, question, answer, this.mediaToken);
            }
          }
        }
      } catch {
        // A missed poll is retried; the page itself still works.
      }
      this.schedulePoll();
    }, POLL_MS);
  }

  // --- Judging ----------------------------------------------------------------------------

  buildJudge() {
    this.el.scoreButtons = SCORES.map((score) => {
      const shown = Number.isInteger(score) ? String(score) : `${Math.floor(score)}½`;
      return h('button', {
        type: 'button', class: 'btn btn-small iv-score-button', dataset: { score: String(score) },
        'aria-label': `${shown} out of 5`, 'aria-pressed': 'false',
        onclick: (e) => this.setScore(score, e.currentTarget),
      }, shown);
    });
    this.el.scoreClear = h('button', { type: 'button', class: 'btn btn-small', id: 'iv-score-clear',
      onclick: (e) => this.setScore(null, e.currentTarget) }, 'Clear');
    this.el.stageButtons = STAGES.map((stage) => h('button', {
      type: 'button', class: 'btn btn-small iv-stage-button', dataset: { stage }, 'aria-pressed': 'false',
      onclick: (e) => this.setStage(stage, e.currentTarget),
    }, STAGE_BUTTONS[stage] || stageLabel(stage)));
    this.el.scoreValue = h('span', { id: 'iv-score-value', class: 'iv-score-value' });
    this.el.judgeError = errorSlot('iv-judge-error');
    this.el.help = h('details', { class: 'iv-shortcuts', id: 'iv-shortcuts' },
      h('summary', {}, 'Keyboard shortcuts'),
      h('dl', {},
        [['j', 'Next candidate'], ['k', 'Previous candidate'], ['1 – 5', 'Score'], ['s', 'Shortlist'], ['d', 'Discard'],
          ['Space', 'Play or pause the answer'], ['?', 'Show or hide this list']]
          .map(([key, what]) => h('div', {}, h('dt', {}, h('kbd', {}, key)), h('dd', {}, what)))),
      h('p', { class: 'hint' }, 'They work whenever you are not typing in a field.'));

    return h('section', { class: 'card iv-judge', 'aria-labelledby': 'iv-judge-title' },
      h('h2', { id: 'iv-judge-title' }, 'Your decision'),
      h('div', { class: 'iv-group', role: 'group', 'aria-labelledby': 'iv-score-label' },
        h('p', { class: 'label iv-group-label' }, h('span', { id: 'iv-score-label' }, 'Score'), ' ', this.el.scoreValue),
        h('div', { class: 'iv-score-buttons', id: 'iv-score-buttons' }, this.el.scoreButtons, this.el.scoreClear)),
      h('div', { class: 'iv-group', role: 'group', 'aria-labelledby': 'iv-stage-label' },
        h('p', { class: 'label iv-group-label', id: 'iv-stage-label' }, 'Stage'),
        h('div', { class: 'iv-stage-buttons', id: 'iv-stage-buttons' }, this.el.stageButtons)),
      this.el.judgeError,
      this.el.help);
  }

  renderJudgeState() {
    if (!this.el.scoreButtons) return;
    const { score, stage } = this.iv;
    for (const button of this.el.scoreButtons) {
      button.setAttribute('aria-pressed', String(score !== null && Number(button.dataset.score) === Number(score)));
    }
    this.el.scoreClear.disabled = score === null || score === undefined;
    for (const button of this.el.stageButtons) button.setAttribute('aria-pressed', String(button.dataset.stage === stage));
    this.el.scoreValue.textContent = scoreLabel(score);
  }

  /** Requests run one after another, so the last key pressed is the score that stays. */
  judge(work, button, done) {
    const run = async () => {
      try {
        const fresh = button ? await busy(button, null, work) : await work();
        if (this.left) return;
        showError(this.el.judgeError, null);
        this.iv.score = fresh.score;
        this.iv.stage = fresh.stage;
        this.renderJudgeState();
        this.renderHeader();
        done(fresh);
      } catch (error) {
        if (this.left) return;
        showError(this.el.judgeError, error);
      }
    };
    this.judging = this.judging.then(run);
    return this.judging;
  }

  setScore(score, button) {
    return this.judge(() => api('PUT', `${this.base}/score`, { score }), button,
      (fresh) => toast(fresh.score === null ? 'Score cleared.' : `Scored ${scoreLabel(fresh.score)}.`));
  }

  setStage(stage, button) {
    return this.judge(() => api('POST', `${this.base}/stage`, { stage }), button,
      (fresh) => toast(`Stage: ${stageLabel(fresh.stage)}.`));
  }

  // --- Comments ---------------------------------------------------------------------------

  renderComments() {
    const box = this.el.comments;
    if (this.comments.error) {
      replace(box, errorBox(this.comments.error, 'iv-comments-error', {
        retry: async (e) => {
          try {
            const list = await busy(e.currentTarget, 'Loading…', () => api('GET', `${this.base}/comments`));
            this.comments = { items: list.items };
          } catch (error) {
            this.comments = { error };
          }
          this.renderComments();
        },
      }));
      return;
    }
    const list = h('ul', { class: 'iv-comments', id: 'iv-comments' });
    const error = errorSlot('iv-comment-error');
    const errors = new FieldErrors();
    const fill = () => {
      replace(list, this.comments.items.length
        ? this.comments.items.map((comment) => this.commentItem(comment, error, fill))
        : h('li', { class: 'muted iv-no-comments' }, 'No comments yet.'));
    };
    fill();
    const text = h('textarea', { id: 'iv-comment-text', name: 'comment', rows: '3', maxlength: '5000', required: true });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'iv-comment-add' }, 'Add comment');
    const add = async (event) => {
      event.preventDefault();
      errors.clear();
      showError(error, null);
      const value = text.value.trim();
      if (!value) {
        errors.place([{ field: 'text', message: 'Write a comment first.' }]);
        return;
      }
      try {
        const comment = await busy(submit, 'Adding…', () => api('POST', `${this.base}/comments`, { text: value }));
        this.comments.items.push(comment);
        text.value = '';
        fill();
      } catch (e) {
        errors.report(e, error);
      }
    };
    // Ctrl/Cmd+Enter sends, as in most comment boxes.
    text.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) add(event);
    });
    replace(box, list,
      h('form', { class: 'iv-comment-form', novalidate: true, onsubmit: add },
        errors.field('text', 'Add a comment', text, `Signed with your key’s label (${this.context.session.label}). Only the key that wrote a comment can delete it.`),
        error,
        h('div', { class: 'actions' }, submit)));
  }

  commentItem(comment, error, refill) {
    const remove = h('button', { type: 'button', class: 'btn btn-small iv-comment-delete', 'aria-label': `Delete the comment by ${comment.author}` }, 'Delete');
    remove.addEventListener('click', async () => {
      const ok = await confirmDialog({
        title: 'Delete this comment?',
        body: h('p', {}, 'The comment is removed for everyone in the team. This cannot be undone.'),
        confirmLabel: 'Delete comment',
        danger: true,
      });
      if (!ok) return;
      try {
        await busy(remove, 'Deleting…', () => api('DELETE', `${this.base}/comments/${enc(comment.id)}`));
        this.comments.items = this.comments.items.filter((c) => c.id !== comment.id);
        showError(error, null);
        refill();
        toast('The comment was deleted.');
      } catch (e) {
        if (e instanceof ApiError && e.code === 'comment_not_found') {
          this.comments.items = this.comments.items.filter((c) => c.id !== comment.id);
          refill();
        }
        showError(error, e);
      }
    });
    return h('li', { class: 'iv-comment', dataset: { commentId: comment.id } },
      h('p', { class: 'iv-comment-meta' },
        h('strong', { class: 'iv-comment-author' }, h('bdi', {}, comment.author)), ' · ', timeElement(comment.createdAt)),
      h('p', { class: 'iv-comment-text', dir: 'auto' }, comment.text),
      remove);
  }

  // --- Timeline ---------------------------------------------------------------------------

  timelineWords(event) {
    const detail = present(event.detail) ? event.detail : null;
    const withDetail = (text) => (detail ? `${text}: ${detail}` : `${text}.`);
    switch (event.kind) {
      case 'invited': return 'Invited.';
      case 'email_sent': return 'Email sent to the candidate.';
      case 'email_failed': return withDetail('An email to the candidate could not be sent');
      case 'email_delivered': return 'The email was delivered.';
      case 'email_bounced': return withDetail('The email bounced');
      case 'email_complained': return 'The candidate reported the email as spam; the team no longer emails this address.';
      case 'email_opened': return 'The candidate opened the invitation email.';
      case 'email_suppressed': return withDetail('An email was not sent, as the team no longer emails this address');
      case 'reminder_sent': return 'A reminder was emailed to the candidate.';
      case 'link_reissued': return 'A new link was issued; the old one stopped working.';
      case 'started': return 'The candidate opened the link and started.';
      case 'completed': return 'The candidate submitted the interview.';
      case 'answer_reopened': {
        const questions = this.iv.questions || [];
        const index = questions.findIndex((q) => q.id === detail);
        return index >= 0
          ? `The answer to question ${index + 1} was deleted, to be answered again.`
          : 'An answer was deleted, to be answered again.';
      }
      case 'deadline_set': return detail ? `The deadline was set to ${dateTime(detail)}.` : 'The deadline was set.';
      case 'expired': return 'The deadline passed before the candidate submitted.';
      default: return withDetail(humanize(event.kind));
    }
  }

  renderTimeline() {
    const events = this.iv.timeline || [];
    replace(this.el.timeline, events.length
      ? events.map((event) => h('li', { dataset: { kind: event.kind } },
        timeElement(event.at), h('span', { class: 'iv-event-text' }, this.timelineWords(event))))
      : h('li', { class: 'muted' }, 'Nothing yet.'));
  }

  // --- Candidate link ---------------------------------------------------------------------

  emailWords() {
    const email = this.iv.email || {};
    const reason = present(email.reason) ? ` ${email.reason}` : '';
    switch (email.status) {
      case 'not_requested': return 'Not emailed: the link was to be passed on by hand.';
      case 'pending': return 'Waiting to be sent.';
      case 'sent': return `Sent${email.lastAttemptAt ? ` ${dateTime(email.lastAttemptAt)}` : ''}.`;
      case 'failed': return `Could not be sent.${reason}`;
      case 'delivered': return `Delivered${email.deliveredAt ? ` ${dateTime(email.deliveredAt)}` : ''}.`;
      case 'bounced': return `Bounced${email.bounce ? ` (${email.bounce})` : ''}.${reason}`;
      case 'complained': return 'The candidate reported it as spam; the team no longer emails this address.';
      case 'suppressed': return `Not sent: the team no longer emails this address.${reason}`;
      default: return humanize(email.status);
    }
  }

  renderLink() {
    const iv = this.iv;
    const box = this.el.link;
    const focused = box.contains(document.activeElement) ? document.activeElement.id : null;
    const email = iv.email || {};
    const error = errorSlot('iv-link-error');
    const parts = [h('p', { class: 'hint' }, 'The candidate’s personal link: whoever has it can answer as them.')];
    if (present(iv.url)) {
      let qr = null;
      try {
        qr = qrSvg(iv.url, { title: 'QR code of the candidate’s link', className: 'iv-qr' });
        qr.id = 'iv-qr';
      } catch {
        qr = null; // too long for a QR code: the link itself is still there
      }
      parts.push(copyField({ label: 'Candidate link', hideLabel: true, value: iv.url, id: 'iv-link-url', copyId: 'iv-link-copy', copyLabel: 'Copy link' }));
      if (qr) parts.push(h('figure', { class: 'iv-qr-figure' }, qr, h('figcaption', { class: 'hint' }, 'Scan with a phone to open the link.')));
    } else {
      parts.push(h('p', { class: 'notice' }, 'The link cannot be shown here.'));
    }
    const opened = email.openedAt ? [' Opened ', timeElement(email.openedAt), '.'] : null;
    parts.push(h('p', { id: 'iv-email-status' }, h('span', { class: 'label' }, 'Invitation email: '), this.emailWords(),
      email.attempts ? ` ${plural(email.attempts, 'email', 'emails')} sent in all.` : '', opened));

    if (iv.status === 'completed') {
      parts.push(h('p', { class: 'muted' }, 'The candidate has submitted; the link now only confirms that.'));
    } else {
      const resend = h('button', { type: 'button', class: 'btn', id: 'iv-resend' }, 'Resend the invitation');
      const reinvite = h('button', { type: 'button', class: 'btn', id: 'iv-reinvite' }, 'New link…');
      resend.addEventListener('click', () => this.resend(resend));
      reinvite.addEventListener('click', () => this.reinvite(reinvite));
      parts.push(h('div', { class: 'actions' }, resend, reinvite), error);
    }
    replace(box, ...parts);
    if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
  }

  linkError(error) {
    const slot = this.el.link.querySelector('#iv-link-error');
    if (slot) showError(slot, error);
    else if (error) toast(describe(error), 'error');
  }

  async resend(button) {
    try {
      const fresh = await busy(button, 'Sending…', () => api('POST', `${this.base}/resend`));
      this.merge(fresh);
      const status = fresh.email && fresh.email.status;
      if (status === 'failed' || status === 'suppressed' || status === 'bounced') toast(`The invitation was not sent: ${this.emailWords()}`, 'error');
      else toast('The invitation was sent again, with the same link.');
      this.linkError(null);
    } catch (e) {
      this.linkError(e);
    }
  }

  async reinvite(button) {
    const send = h('input', { type: 'checkbox', id: 'iv-reinvite-email', checked: true });
    const ok = await confirmDialog({
      title: 'Issue a new link?',
      body: [
        h('p', {}, 'The current link stops working at once: the candidate needs the new one. Their progress and answers stay.'),
        h('div', { class: 'checkbox' }, send, h('label', { for: send.id }, 'Email the new link to ', h('bdi', {}, this.iv.candidate.email))),
      ],
      confirmLabel: 'Issue a new link',
      danger: true,
    });
    if (!ok) return;
    try {
      const fresh = await busy(button, 'Issuing…', () => api('POST', `${this.base}/reinvite`, { sendEmail: send.checked }));
      this.merge(fresh);
      toast(send.checked ? 'A new link was issued and emailed.' : 'A new link was issued. Pass it on to the candidate.');
    } catch (e) {
      this.linkError(e);
    }
  }

  // --- Deadline ---------------------------------------------------------------------------

  renderDeadline() {
    const iv = this.iv;
    const box = this.el.deadline;
    const current = h('p', { id: 'iv-deadline-current' }, iv.deadline
      ? ['The candidate can answer until ', timeElement(iv.deadline), '.']
      : 'No deadline: the candidate can answer at any time.');
    if (iv.status === 'completed') {
      replace(box, current, h('p', { class: 'muted' }, 'The candidate has submitted, so the deadline no longer applies.'));
      return;
    }
    const now = new Date();
    const suggested = iv.deadline && new Date(iv.deadline) > now ? new Date(iv.deadline) : new Date(now.getTime() + 7 * 86400000);
    const input = h('input', { type: 'datetime-local', id: 'iv-deadline-input', value: localInputValue(suggested), min: localInputValue(now), required: true });
    const error = errorSlot('iv-deadline-error');
    const errors = new FieldErrors();
    const save = h('button', { type: 'submit', class: 'btn btn-primary', id: 'iv-deadline-save' }, iv.deadline ? 'Change the deadline' : 'Set a deadline');
    const submit = async (event) => {
      event.preventDefault();
      errors.clear();
      showError(error, null);
      const date = fromLocalInput(input.value);
      if (!date || date <= new Date()) {
        errors.place([{ field: 'deadline', message: date ? 'Choose a date and time in the future.' : 'Choose a date and a time.' }]);
        return;
      }
      try {
        const fresh = await busy(save, 'Saving…', () => api('PUT', `${this.base}/deadline`, { deadline: date.toISOString() }));
        this.merge(fresh);
        toast(`Deadline set to ${dateTime(fresh.deadline)}.`);
      } catch (e) {
        errors.report(e, error);
      }
    };
    const notes = [];
    if (iv.status === 'expired') notes.push(h('p', { class: 'notice notice-warn' }, 'The deadline has passed. A new one opens the interview again, with the same link.'));
    replace(box, current, ...notes,
      h('form', { class: 'iv-deadline-form', novalidate: true, onsubmit: submit },
        errors.field('deadline', 'New deadline', input, `In your time zone (${timeZoneName()}).`),
        error,
        h('div', { class: 'actions' }, save)));
  }

  // --- Share links ------------------------------------------------------------------------

  async reloadShares() {
    try {
      const list = await api('GET', `${this.base}/shares`);
      this.shares = { items: list.items };
    } catch (error) {
      this.shares = { error };
    }
    if (!this.left) this.renderShareList();
  }

  renderShares() {
    this.el.shareList = h('div', { id: 'iv-share-list' });
    this.el.shareCreated = h('div', { id: 'iv-share-created' });
    const days = h('input', { type: 'number', id: 'iv-share-days', min: '1', max: '365', step: '1', value: '30', inputmode: 'numeric', required: true });
    const hide = h('input', { type: 'checkbox', id: 'iv-share-hide', checked: true });
    const error = errorSlot('iv-share-error');
    const errors = new FieldErrors();
    const create = h('button', { type: 'submit', class: 'btn btn-primary', id: 'iv-share-create' }, 'Create share link');
    const submit = async (event) => {
      event.preventDefault();
      errors.clear();
      showError(error, null);
      const value = Number(days.value);
      if (!Number.isInteger(value) || value < 1 || value > 365) {
        errors.place([{ field: 'expiresInDays', message: 'The link can work for 1 to 365 days: enter a whole number.' }]);
        return;
      }
      try {
        const created = await busy(create, 'Creating…', () => api('POST', `${this.base}/shares`, { expiresInDays: value, hideContact: hide.checked }));
        this.showCreatedShare(created);
        await this.reloadShares();
      } catch (e) {
        errors.report(e, error);
      }
    };
    replace(this.el.shares,
      h('p', { class: 'hint' }, 'A read-only link for someone outside the team (a hiring manager, a client): they see the answers, the stage and the score; never the comments, the candidate’s link or the timeline.'),
      this.el.shareList,
      this.el.shareCreated,
      h('form', { class: 'iv-share-form', novalidate: true, onsubmit: submit },
        h('h3', {}, 'New share link'),
        errors.field('expiresInDays', 'Works for (days)', days, '1 to 365 days.'),
        h('div', { class: 'checkbox' }, hide, h('label', { for: hide.id }, 'Hide the candidate’s email and phone')),
        error,
        h('div', { class: 'actions' }, create)));
    this.renderShareList();
  }

  showCreatedShare(created) {
    replace(this.el.shareCreated,
      h('div', { class: 'notice notice-ok iv-share-new', role: 'status', dataset: { shareId: created.shareId } },
        h('p', {}, h('strong', {}, 'Share link created. '), 'Copy it now: it cannot be shown again.'),
        copyField({ label: 'New share link', hideLabel: true, value: created.url, id: 'iv-share-new-url', copyId: 'iv-share-copy', copyLabel: 'Copy link' })));
    this.el.shareCreated.querySelector('input').select();
  }

  renderShareList() {
    const box = this.el.shareList;
    if (this.shares.error) {
      replace(box, errorBox(this.shares.error, 'iv-shares-error', { retry: () => this.reloadShares() }));
      return;
    }
    const items = this.shares.items;
    if (!items.length) {
      replace(box, h('p', { class: 'muted', id: 'iv-no-shares' }, 'No share links.'));
      return;
    }
    const error = errorSlot('iv-revoke-error');
    replace(box, h('div', { class: 'table-wrap' },
      h('table', { id: 'iv-shares', class: 'stack-table' },
        h('caption', { class: 'visually-hidden' }, 'Share links of this interview'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Created'), h('th', { scope: 'col' }, 'Expires'),
          h('th', { scope: 'col' }, 'Contact'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
        h('tbody', {}, items.map((share) => {
          const revoke = h('button', { type: 'button', class: 'btn btn-small iv-revoke', 'aria-label': `Revoke the share link created ${dateTime(share.createdAt)}` }, 'Revoke');
          revoke.addEventListener('click', () => this.revokeShare(share, revoke, error));
          return h('tr', { dataset: { shareId: share.shareId, expired: String(share.expired) } },
            cell('Created', {}, timeElement(share.createdAt)),
            cell('Expires', {}, timeElement(share.expiresAt), share.expired ? [' ', statusBadge('expired')] : null),
            cell('Contact', {}, share.hideContact ? 'Hidden' : 'Shown'),
            h('td', {}, revoke));
        })))), error);
  }

  async revokeShare(share, button, error) {
    const ok = await confirmDialog({
      title: 'Revoke this share link?',
      body: h('p', {}, 'The link stops working at once for everyone who has it. This cannot be undone; you can create a new one.'),
      confirmLabel: 'Revoke link',
      danger: true,
    });
    if (!ok) return;
    try {
      await busy(button, 'Revoking…', () => api('DELETE', `${this.base}/shares/${enc(share.shareId)}`));
      const shown = this.el.shareCreated.querySelector('[data-share-id]');
      if (shown && shown.dataset.shareId === share.shareId) replace(this.el.shareCreated);
      toast('The share link was revoked.');
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 'share_not_found')) {
        showError(error, e);
        return;
      }
    }
    await this.reloadShares();
  }

  // --- Delete -----------------------------------------------------------------------------

  buildDelete() {
    const button = h('button', { type: 'button', class: 'btn btn-danger', id: 'iv-delete' }, 'Delete interview…');
    const error = errorSlot('iv-delete-error');
    button.addEventListener('click', async () => {
      const name = candidateName(this.iv.candidate);
      const ok = await confirmDialog({
        title: 'Delete this interview?',
        body: [
          h('p', {}, 'This removes the interview of ', h('bdi', {}, name), this.position ? [' for ', h('bdi', {}, this.position.name)] : null, ':'),
          h('ul', {},
            h('li', {}, 'every answer, with its recordings and transcripts'),
            h('li', {}, 'the score, the stage and the comments'),
            h('li', {}, 'its share links, which stop working'),
            h('li', {}, 'the candidate’s link, which stops working')),
          h('p', {}, 'This cannot be undone. The candidate can be invited to this position again afterwards.'),
        ],
        confirmLabel: 'Delete interview',
        danger: true,
      });
      if (!ok) return;
      try {
        await busy(button, 'Deleting…', () => api('DELETE', this.base));
      } catch (e) {
        showError(error, e);
        return;
      }
      const order = this.context.shared.candidateOrder;
      if (order && Array.isArray(order.ids)) order.ids = order.ids.filter((id) => id !== this.id);
      toast(`The interview of ${name} was deleted.`);
      this.context.navigate(this.positionHref());
    });
    return h('section', { class: 'card iv-delete', 'aria-labelledby': 'iv-delete-title' },
      h('h2', { id: 'iv-delete-title' }, 'Delete this interview'),
      h('p', {}, 'Removes the answers, recordings, comments and share links, and ends the candidate’s link.'),
      error,
      h('div', { class: 'actions' }, button));
  }

  // --- Keyboard ---------------------------------------------------------------------------

  onKey(event) {
    const key = event.key;
    if (key === 'j' || key === 'k') {
      event.preventDefault();
      this.moveCandidate(key === 'j' ? 1 : -1);
    } else if (/^[1-5]$/.test(key)) {
      event.preventDefault();
      this.setScore(Number(key), this.el.scoreButtons.find((b) => Number(b.dataset.score) === Number(key)));
    } else if (key === 's' || key === 'd') {
      event.preventDefault();
      const stage = key === 's' ? 'shortlisted' : 'discarded';
      this.setStage(stage, this.el.stageButtons.find((b) => b.dataset.stage === stage));
    } else if (key === ' ' || key === 'Spacebar') {
      // A focused control keeps its own Space (a button presses, a player toggles itself).
      const target = event.target instanceof Element ? event.target : null;
      if (target && target.closest('button, a[href], summary, video, audio, [role="button"]')) return;
      if (this.togglePlayback()) event.preventDefault();
    } else if (key === '?') {
      event.preventDefault();
      this.el.help.open = !this.el.help.open;
      if (this.el.help.open) this.el.help.querySelector('summary').focus();
    }
  }
}
