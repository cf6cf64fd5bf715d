/*
 * The candidate's interview page: welcome, camera check, one question at a time (thinking time,
 * recording, review, upload), submit.
 *
 * Recordings are kept in IndexedDB from the moment they are made until the server has confirmed
 * the upload, so a reload, a crash or a lost connection never costs the candidate an answer.
 */
(function () {
  'use strict';

  // ---------------------------------------------------------------------------------------------
  // Small helpers

  var $ = function (id) { return document.getElementById(id); };

  var SCREENS = ['loading', 'welcome', 'camera', 'question', 'review', 'uploading', 'submit', 'done', 'error'];

  /** The first MediaRecorder type the browser supports wins; uploads use the part before ';'. */
  var RECORDING_TYPES = ['video/webm;codecs=vp8,opus', 'video/webm', 'video/mp4'];

  /** Pauses before the 2nd and 3rd automatic upload attempt. */
  var RETRY_DELAYS_MS = [0, 2000, 5000];

  /** How many parts of a multipart upload are sent at the same time. */
  var PART_CONCURRENCY = 3;

  var DEFAULT_REQUIREMENTS = [
    'A device with a camera and a microphone',
    'A recent version of Chrome, Firefox, Edge or Safari',
    'A quiet, well-lit place',
    'A stable internet connection'
  ];

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  function formatSeconds(total) {
    total = Math.max(0, Math.round(total));
    var m = Math.floor(total / 60);
    var s = total % 60;
    return m + ':' + (s < 10 ? '0' : '') + s;
  }

  function formatLength(total) {
    total = Math.max(0, Math.round(total));
    if (total < 60) return total + (total === 1 ? ' second' : ' seconds');
    var m = Math.floor(total / 60);
    var s = total % 60;
    var minutes = m + (m === 1 ? ' minute' : ' minutes');
    return s ? minutes + ' ' + s + (s === 1 ? ' second' : ' seconds') : minutes;
  }

  function formatBytes(n) {
    if (n < 1024) return n + ' B';
    if (n < 1024 * 1024) return Math.round(n / 1024) + ' KB';
    if (n < 1024 * 1024 * 1024) return (n / (1024 * 1024)).toFixed(1) + ' MB';
    return (n / (1024 * 1024 * 1024)).toFixed(2) + ' GB';
  }

  function formatDate(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return String(iso);
    try {
      return new Intl.DateTimeFormat(undefined, {
        weekday: 'short', day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short'
      }).format(d);
    } catch (e) {
      return d.toLocaleString();
    }
  }

  function plural(n, one, many) {
    return n + ' ' + (n === 1 ? one : many);
  }

  function setText(id, text) {
    $(id).textContent = text == null ? '' : String(text);
  }

  /** Reads the token from `/i/{token}`. */
  function tokenFromPath() {
    var parts = location.pathname.split('/').filter(Boolean);
    var at = parts.indexOf('i');
    var raw = at >= 0 ? parts[at + 1] : parts[parts.length - 1];
    if (!raw) return null;
    try {
      return decodeURIComponent(raw);
    } catch (e) {
      return null;
    }
  }

  function baseType(type) {
    return String(type || '').split(';')[0].trim().toLowerCase();
  }

  // ---------------------------------------------------------------------------------------------
  // Page state

  var state = {
    token: null,
    session: null,
    /** questionId → stored recording not yet confirmed by the server. */
    pending: {},
    stream: null,
    meter: null,
    current: null,
    take: null,
    recorder: null,
    chunks: [],
    timers: [],
    reviewUrl: null,
    uploading: false
  };

  function candidatePath(suffix) {
    return '/v1/candidate/' + encodeURIComponent(state.token) + (suffix || '');
  }

  function uploadsPath(questionId, suffix) {
    return candidatePath('/answers/' + encodeURIComponent(questionId) + '/uploads' + (suffix || ''));
  }

  function clearTimers() {
    state.timers.forEach(function (t) { clearInterval(t); clearTimeout(t); });
    state.timers = [];
  }

  /** Asks before leaving while a recording or an upload is in progress. */
  function onBeforeUnload(event) {
    event.preventDefault();
    event.returnValue = '';
    return '';
  }
  var guarded = false;
  function guardLeaving(on) {
    if (on === guarded) return;
    guarded = on;
    if (on) window.addEventListener('beforeunload', onBeforeUnload);
    else window.removeEventListener('beforeunload', onBeforeUnload);
  }

  function announce(text) {
    var el = $('announcer');
    el.textContent = '';
    setTimeout(function () { el.textContent = text; }, 50);
  }

  // ---------------------------------------------------------------------------------------------
  // Screens

  function show(name) {
    SCREENS.forEach(function (s) {
      $('screen-' + s).hidden = s !== name;
    });
    document.body.setAttribute('data-screen', name);
    var heading = $('screen-' + name).querySelector('h1');
    window.scrollTo(0, 0);
    if (heading) heading.focus();
  }

  function setProgress(question) {
    if (!question || !state.session) {
      setText('progress', '');
      return;
    }
    var index = state.session.questions.indexOf(question);
    setText('progress', 'Question ' + (index + 1) + ' of ' + state.session.questions.length);
  }

  var ERRORS = {
    link_not_found: {
      title: 'This interview link doesn’t work',
      message: 'We couldn’t find an interview for this link. Check that you opened the complete link from your invitation. If it still doesn’t work, contact the person who invited you: they can send you a new link.'
    },
    interview_expired: {
      title: 'This interview has expired',
      message: 'The deadline for this interview has passed, so it can no longer be completed. If you think this is a mistake, contact the person who invited you.'
    },
    camera_denied: {
      title: 'Camera or microphone blocked',
      message: 'The interview needs your camera and microphone, but your browser did not allow this page to use them.',
      tips: [
        'Click the camera icon or the padlock in the address bar and allow the camera and the microphone for this site.',
        'On a phone, check the browser’s permissions in your device settings.',
        'Then press “Try again”.'
      ],
      action: 'Try again'
    },
    camera_missing: {
      title: 'No camera or microphone found',
      message: 'We couldn’t find a camera and a microphone on this device.',
      tips: [
        'Connect a camera and a microphone, or open this link on a phone or a laptop that has them.',
        'Then press “Try again”.'
      ],
      action: 'Try again'
    },
    camera_busy: {
      title: 'Your camera is in use',
      message: 'Another application seems to be using your camera or microphone.',
      tips: [
        'Close other apps and browser tabs that may use the camera, such as video calls.',
        'Then press “Try again”.'
      ],
      action: 'Try again'
    },
    camera_unsupported: {
      title: 'This browser can’t record video',
      message: 'Please open this link in a recent version of Chrome, Firefox, Edge or Safari.'
    },
    network: {
      title: 'We can’t reach the server',
      message: 'Check your internet connection and try again. Answers you have already sent are saved.',
      action: 'Try again'
    },
    generic: {
      title: 'Something went wrong',
      message: 'Please try again in a moment.',
      action: 'Reload the page'
    }
  };

  var errorAction = null;

  function showError(kind, detail, action) {
    var spec = ERRORS[kind] || ERRORS.generic;
    stopMeter();
    guardLeaving(false);
    clearTimers();
    $('screen-error').setAttribute('data-kind', kind);
    setText('error-title', spec.title);
    setText('error-message', detail || spec.message);
    var tips = $('error-tips');
    tips.textContent = '';
    (spec.tips || []).forEach(function (tip) {
      var li = document.createElement('li');
      li.textContent = tip;
      tips.appendChild(li);
    });
    tips.hidden = !(spec.tips && spec.tips.length);
    var button = $('error-action');
    errorAction = action || (spec.action ? function () { location.reload(); } : null);
    button.hidden = !errorAction;
    setText('error-action', spec.action || 'Try again');
    setProgress(null);
    show('error');
  }

  function showServerError(err) {
    if (err instanceof NetworkError) return showError('network');
    if (err.code === 'link_not_found' || err.status === 404) return showError('link_not_found');
    if (err.code === 'interview_expired' || err.status === 410) return showError('interview_expired');
    if (err.code === 'interview_completed') return reloadSession().then(function () { showDone(true); }, function () { showDone(true); });
    return showError('generic', err.detail || null);
  }

  // ---------------------------------------------------------------------------------------------
  // HTTP

  function NetworkError(message) {
    this.name = 'NetworkError';
    this.message = message || 'network error';
    this.status = 0;
  }
  NetworkError.prototype = Object.create(Error.prototype);

  function ApiError(status, body) {
    body = body || {};
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code || null;
    this.detail = body.detail || null;
    this.body = body;
    this.message = status + ' ' + (this.code || '') + ' ' + (this.detail || '');
  }
  ApiError.prototype = Object.create(Error.prototype);

  /** Worth trying again: the connection, a timeout, throttling or the server having a bad moment. */
  function isTransient(err) {
    if (err instanceof NetworkError) return true;
    var s = err && err.status;
    return s === 0 || s === 408 || s === 429 || s >= 500;
  }

  function call(method, path, body) {
    var init = {
      method: method,
      headers: { Accept: 'application/json' },
      credentials: 'same-origin',
      cache: 'no-store'
    };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        if (text) {
          try { data = JSON.parse(text); } catch (e) { data = null; }
        }
        if (!response.ok) throw new ApiError(response.status, data);
        return data || {};
      }, function () {
        throw new NetworkError('the response was cut off');
      });
    }, function (e) {
      throw new NetworkError(e && e.message);
    });
  }

  /** Runs `fn` up to three times while it fails with a transient error. */
  function withRetry(fn) {
    var attempt = 0;
    function run() {
      return fn().catch(function (err) {
        attempt += 1;
        if (attempt >= RETRY_DELAYS_MS.length || !isTransient(err)) throw err;
        return sleep(RETRY_DELAYS_MS[attempt]).then(run);
      });
    }
    return run();
  }

  /** PUTs a blob with real upload progress; resolves on 2xx. `active`, if given, holds the
   *  request while it runs so that a failing sibling can cancel it. */
  function xhrPut(url, blob, headers, onProgress, active) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      var settle = function (fn, value) {
        if (active) {
          var at = active.indexOf(xhr);
          if (at >= 0) active.splice(at, 1);
        }
        fn(value);
      };
      if (active) active.push(xhr);
      xhr.open('PUT', url, true);
      Object.keys(headers || {}).forEach(function (name) {
        // The browser sets these itself and refuses to let a page set them.
        if (/^(content-length|host|connection)$/i.test(name)) return;
        xhr.setRequestHeader(name, headers[name]);
      });
      xhr.upload.onprogress = function (e) {
        if (onProgress) onProgress(e.loaded);
      };
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300) {
          if (onProgress) onProgress(blob.size);
          settle(resolve);
        } else {
          var err = new ApiError(xhr.status, null);
          // A refused upload URL has usually expired: a fresh one fixes it.
          err.storage = true;
          settle(reject, err);
        }
      };
      xhr.onerror = function () { settle(reject, new NetworkError('upload failed')); };
      xhr.ontimeout = function () { settle(reject, new NetworkError('upload timed out')); };
      xhr.onabort = function () { settle(reject, new NetworkError('upload cancelled')); };
      xhr.send(blob);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Recordings kept on this device until the server confirms them

  var store = (function () {
    var opening = null;

    function open() {
      if (!opening) {
        opening = new Promise(function (resolve, reject) {
          if (!window.indexedDB) return reject(new Error('IndexedDB is not available'));
          var request;
          try {
            request = indexedDB.open('reelview-recordings', 1);
          } catch (e) {
            return reject(e);
          }
          request.onupgradeneeded = function () {
            request.result.createObjectStore('recordings', { keyPath: 'key' });
          };
          request.onsuccess = function () { resolve(request.result); };
          request.onerror = function () { reject(request.error); };
          request.onblocked = function () { reject(new Error('IndexedDB is blocked')); };
        });
      }
      return opening;
    }

    function run(mode, work) {
      return open().then(function (db) {
        return new Promise(function (resolve, reject) {
          var tx = db.transaction('recordings', mode);
          var result;
          work(tx.objectStore('recordings'), function (value) { result = value; });
          tx.oncomplete = function () { resolve(result); };
          tx.onerror = function () { reject(tx.error); };
          tx.onabort = function () { reject(tx.error || new Error('transaction aborted')); };
        });
      });
    }

    return {
      key: function (token, questionId) {
        return token + '/' + questionId;
      },
      put: function (record) {
        return run('readwrite', function (os) { os.put(record); });
      },
      remove: function (key) {
        return run('readwrite', function (os) { os.delete(key); });
      },
      /** Every recording stored for one interview link. */
      forToken: function (token) {
        return run('readonly', function (os, done) {
          var range = IDBKeyRange.bound(token + '/', token + '/\uffff');
          var request = os.getAll(range);
          request.onsuccess = function () { done(request.result || []); };
        });
      }
    };
  })();

  function safely(promise) {
    return promise.catch(function () { return null; });
  }

  /** Local take counter: recording again before sending is limited to the attempts left. */
  var takes = {
    key: function (questionId) {
      return 'reelview:takes:' + state.token + ':' + questionId;
    },
    get: function (questionId) {
      try {
        return parseInt(localStorage.getItem(this.key(questionId)) || '0', 10) || 0;
      } catch (e) {
        return this.memory[questionId] || 0;
      }
    },
    add: function (questionId) {
      var next = this.get(questionId) + 1;
      this.memory[questionId] = next;
      try { localStorage.setItem(this.key(questionId), String(next)); } catch (e) { /* memory only */ }
      return next;
    },
    clear: function (questionId) {
      delete this.memory[questionId];
      try { localStorage.removeItem(this.key(questionId)); } catch (e) { /* memory only */ }
    },
    memory: {}
  };

  function forgetRecordingsOfThisLink() {
    return safely(store.forToken(state.token).then(function (records) {
      return Promise.all(records.map(function (r) { return safely(store.remove(r.key)); }));
    }));
  }

  // ---------------------------------------------------------------------------------------------
  // Loading the interview

  function questionById(id) {
    var qs = state.session ? state.session.questions : [];
    for (var i = 0; i < qs.length; i++) if (qs[i].id === id) return qs[i];
    return null;
  }

  function answeredCount() {
    return state.session.questions.filter(function (q) { return q.answered; }).length;
  }

  function nextQuestion() {
    var qs = state.session.questions;
    for (var i = 0; i < qs.length; i++) if (!qs[i].answered) return qs[i];
    return null;
  }

  function reloadSession() {
    return withRetry(function () { return call('GET', candidatePath()); }).then(function (session) {
      state.session = session;
      return session;
    });
  }

  function load() {
    state.token = tokenFromPath();
    if (!state.token) return showError('link_not_found');
    return reloadSession().then(function (session) {
      var company = session.company || 'Video interview';
      setText('brand', company);
      document.title = (session.position ? session.position + ' – ' : '') + company + ' · Video interview';
      if (session.status === 'completed') {
        return forgetRecordingsOfThisLink().then(function () { showDone(true); });
      }
      return restorePending().then(renderWelcome);
    }, showServerError);
  }

  /** Finds recordings made on this device that the server has not confirmed yet. */
  function restorePending() {
    state.pending = {};
    return safely(store.forToken(state.token).then(function (records) {
      var stale = [];
      records.forEach(function (record) {
        var q = questionById(record.questionId);
        if (!q || q.answered || !record.blob || !record.blob.size) stale.push(record.key);
        else state.pending[q.id] = record;
      });
      return Promise.all(stale.map(function (key) { return safely(store.remove(key)); }));
    }));
  }

  function renderWelcome() {
    var s = state.session;
    var company = s.company || '';
    var position = s.position || 'Video interview';
    setText('welcome-title', position);
    var firstName = s.candidate && s.candidate.firstName;
    setText('welcome-greeting',
      (firstName ? 'Hi ' + firstName + ', thank' : 'Thank') + ' you for your interest' +
      (company ? ' in ' + company : '') + '. This is a one-way video interview: you record your answers ' +
      'to a few questions at a time that suits you, and the team watches them later.');
    $('welcome-intro').hidden = !s.intro;
    setText('welcome-intro', s.intro || '');

    var count = s.questionCount != null ? s.questionCount : s.questions.length;
    setText('welcome-questions', plural(count, 'question', 'questions'));
    setText('welcome-minutes', s.estimatedMinutes ? 'About ' + plural(s.estimatedMinutes, 'minute', 'minutes') : 'A few minutes');
    $('welcome-deadline-row').hidden = !s.deadline;
    setText('welcome-deadline', s.deadline ? formatDate(s.deadline) : '');

    var maxRetakes = s.questions.reduce(function (m, q) { return Math.max(m, q.retakes || 0); }, 0);
    setText('welcome-retakes-step', maxRetakes > 0
      ? 'Watch your answer back and, if you want to, record it again (up to ' + plural(maxRetakes, 'extra take', 'extra takes') + ' per question). Then send it.'
      : 'Watch your answer back, then send it. Each question is recorded once, so take your time to think first.');

    var list = $('welcome-requirements');
    list.textContent = '';
    var requirements = s.requirements && s.requirements.length ? s.requirements : DEFAULT_REQUIREMENTS;
    requirements.forEach(function (text) {
      var li = document.createElement('li');
      li.textContent = text;
      list.appendChild(li);
    });

    var answered = answeredCount();
    var pendingCount = Object.keys(state.pending).length;
    var resume = $('welcome-resume');
    if (answered > 0 || pendingCount > 0) {
      var next = nextQuestion();
      var parts = ['Welcome back! You have answered ' + answered + ' of ' + s.questions.length + ' questions.'];
      if (pendingCount > 0) {
        parts.push(pendingCount === 1
          ? 'One recording on this device has not been sent yet; you can send it next.'
          : pendingCount + ' recordings on this device have not been sent yet; you can send them next.');
      } else if (next) {
        parts.push('You will continue with question ' + (s.questions.indexOf(next) + 1) + '.');
      } else {
        parts.push('All that is left is to submit your interview.');
      }
      resume.textContent = parts.join(' ');
      resume.hidden = false;
      setText('start', nextQuestion() ? 'Continue the interview' : 'Review and submit');
    } else {
      resume.hidden = true;
      setText('start', 'Start the interview');
    }
    setProgress(null);
    show('welcome');
  }

  // ---------------------------------------------------------------------------------------------
  // Flow

  function streamLive() {
    return !!(state.stream && state.stream.getTracks().some(function (t) { return t.readyState === 'live' && t.kind === 'video'; }));
  }

  /** Decides what comes next: a waiting recording, the camera check, a question, or submitting. */
  function advance() {
    var q = nextQuestion();
    if (!q) return showSubmit();
    var stored = state.pending[q.id];
    if (stored) return showReview(q, takeFromRecord(stored), true);
    if (!streamLive()) return startCamera();
    return showQuestion(q);
  }

  function takeFromRecord(record) {
    return {
      blob: record.blob,
      contentType: record.contentType,
      seconds: record.seconds || null,
      record: record
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Camera and microphone

  function recordingType() {
    if (!window.MediaRecorder) return null;
    var allowed = (state.session && state.session.allowedContentTypes) || ['video/webm', 'video/mp4'];
    for (var i = 0; i < RECORDING_TYPES.length; i++) {
      var type = RECORDING_TYPES[i];
      if (allowed.indexOf(baseType(type)) < 0) continue;
      try {
        if (MediaRecorder.isTypeSupported(type)) return type;
      } catch (e) { /* try the next one */ }
    }
    return '';
  }

  function cameraErrorKind(err) {
    var name = err && err.name;
    if (name === 'NotAllowedError' || name === 'PermissionDeniedError' || name === 'SecurityError') return 'camera_denied';
    if (name === 'NotFoundError' || name === 'DevicesNotFoundError' || name === 'OverconstrainedError') return 'camera_missing';
    if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') return 'camera_busy';
    return 'camera_missing';
  }

  function startCamera() {
    setProgress(null);
    $('camera-ok').disabled = true;
    $('camera-waiting').hidden = false;
    setText('camera-status', 'Asking for access to your camera and microphone…');
    show('camera');
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.MediaRecorder) {
      return showError('camera_unsupported');
    }
    var ready = streamLive()
      ? Promise.resolve(state.stream)
      : navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30, max: 30 }, facingMode: 'user' },
        audio: { echoCancellation: true, noiseSuppression: true }
      });
    return ready.then(function (stream) {
      state.stream = stream;
      stream.getTracks().forEach(function (track) {
        track.onended = onTrackEnded;
      });
      var preview = $('camera-preview');
      preview.srcObject = stream;
      safely(Promise.resolve(preview.play()));
      $('camera-waiting').hidden = true;
      startMeter(stream);
      var hasAudio = stream.getAudioTracks().length > 0;
      setText('camera-status', hasAudio
        ? 'Your camera and microphone are on. Check that you can see yourself and that the bar moves when you speak.'
        : 'Your camera is on, but no microphone was found.');
      if (!hasAudio) return showError('camera_missing', 'We could use your camera but not a microphone. Connect a microphone and try again.', startCamera);
      $('camera-ok').disabled = false;
    }, function (err) {
      showError(cameraErrorKind(err), null, startCamera);
    });
  }

  function onTrackEnded() {
    if (state.recorder && state.recorder.state !== 'inactive') {
      // Keep what was captured: the candidate can still watch and send it.
      stopRecording('Your camera or microphone stopped, so the recording ended early.');
      stopStream();
      return;
    }
    if (!$('screen-question').hidden || !$('screen-camera').hidden) {
      stopStream();
      showError('camera_busy', 'Your camera or microphone stopped working. Check the connection, then try again.', startCamera);
    }
  }

  function stopStream() {
    stopMeter();
    if (state.stream) {
      state.stream.getTracks().forEach(function (t) { t.onended = null; t.stop(); });
    }
    state.stream = null;
    $('camera-preview').srcObject = null;
    $('question-preview').srcObject = null;
  }

  function startMeter(stream) {
    stopMeter();
    var AudioCtx = window.AudioContext || window.webkitAudioContext;
    if (!AudioCtx || !stream.getAudioTracks().length) return;
    try {
      var ctx = new AudioCtx();
      var source = ctx.createMediaStreamSource(stream);
      var analyser = ctx.createAnalyser();
      analyser.fftSize = 512;
      source.connect(analyser);
      var data = new Uint8Array(analyser.fftSize);
      var meter = $('mic-level');
      var meterState = { ctx: ctx, frame: 0 };
      var tick = function () {
        analyser.getByteTimeDomainData(data);
        var sum = 0;
        for (var i = 0; i < data.length; i++) {
          var v = (data[i] - 128) / 128;
          sum += v * v;
        }
        var level = Math.min(100, Math.round(Math.sqrt(sum / data.length) * 400));
        meter.value = level;
        meter.textContent = level + '%';
        meterState.frame = requestAnimationFrame(tick);
      };
      if (ctx.state === 'suspended') safely(ctx.resume());
      meterState.frame = requestAnimationFrame(tick);
      state.meter = meterState;
    } catch (e) {
      state.meter = null;
    }
  }

  function stopMeter() {
    if (!state.meter) return;
    cancelAnimationFrame(state.meter.frame);
    safely(Promise.resolve(state.meter.ctx.close()));
    state.meter = null;
  }

  // ---------------------------------------------------------------------------------------------
  // A question: thinking time, then recording

  function takesLeft(q) {
    return Math.max(0, (q.attemptsLeft != null ? q.attemptsLeft : (q.retakes || 0) + 1) - takes.get(q.id));
  }

  function showQuestion(q) {
    clearTimers();
    state.current = q;
    state.take = null;
    var index = state.session.questions.indexOf(q);
    setText('question-label', 'Question ' + (index + 1) + ' of ' + state.session.questions.length + ':');
    setText('question-text', q.text);
    var left = takesLeft(q);
    setText('question-limits', 'You can answer for up to ' + formatLength(q.maxAnswerSeconds) + '. ' +
      (left > 1 ? 'You can record this answer ' + left + ' times and choose when to send it.' : 'You can record this answer once.'));
    setText('question-status', '');
    $('phase-thinking').hidden = false;
    $('phase-recording').hidden = true;
    $('rec-badge').hidden = true;
    $('record').disabled = false;
    var preview = $('question-preview');
    if (preview.srcObject !== state.stream) preview.srcObject = state.stream;
    safely(Promise.resolve(preview.play()));
    setProgress(q);
    show('question');

    var thinking = Math.max(0, q.thinkingSeconds || 0);
    if (thinking === 0) {
      setText('thinking-label', 'Recording starts now');
      setText('thinking-countdown', '');
      startRecording();
      return;
    }
    setText('thinking-label', 'Time to think. Recording starts automatically in');
    var ends = Date.now() + thinking * 1000;
    var render = function () {
      var remaining = Math.ceil((ends - Date.now()) / 1000);
      if (remaining <= 0) {
        startRecording();
        return;
      }
      setText('thinking-countdown', remaining >= 60 ? formatSeconds(remaining) : remaining + ' s');
    };
    render();
    state.timers.push(setInterval(render, 200));
  }

  function recorderOptions(q) {
    var options = {};
    var type = recordingType();
    if (type) options.mimeType = type;
    // Keep the longest possible answer well under the size limit.
    var maxBytes = state.session.maxUploadBytes || 0;
    var seconds = Math.max(1, q.maxAnswerSeconds || 60);
    var bits = 2500000;
    if (maxBytes) bits = Math.min(bits, Math.floor((maxBytes * 8 * 0.8) / seconds) - 128000);
    options.videoBitsPerSecond = Math.max(250000, bits);
    options.audioBitsPerSecond = 128000;
    return options;
  }

  function startRecording() {
    clearTimers();
    var q = state.current;
    if (!streamLive()) return startCamera();
    var recorder;
    try {
      recorder = new MediaRecorder(state.stream, recorderOptions(q));
    } catch (e) {
      try {
        recorder = new MediaRecorder(state.stream);
      } catch (e2) {
        return showError('camera_unsupported');
      }
    }
    state.recorder = recorder;
    state.chunks = [];
    recorder.ondataavailable = function (e) {
      if (e.data && e.data.size) state.chunks.push(e.data);
    };
    recorder.onstop = function () { onRecordingStopped(recorder); };
    recorder.onerror = function () {
      setText('question-status', 'Recording failed. Please try again.');
    };
    try {
      recorder.start(1000);
    } catch (e) {
      return showError('camera_unsupported');
    }
    guardLeaving(true);
    $('phase-thinking').hidden = true;
    $('phase-recording').hidden = false;
    $('rec-badge').hidden = false;
    var stop = $('stop');
    stop.disabled = true;
    stop.focus();
    announce('Recording started.');
    setText('question-status', '');

    var limit = Math.max(1, q.maxAnswerSeconds || 60);
    var started = performance.now();
    state.recordingStarted = started;
    var render = function () {
      var elapsed = (performance.now() - started) / 1000;
      if (elapsed >= 1) stop.disabled = false;
      if (elapsed >= limit) {
        setText('rec-timer', formatSeconds(limit) + ' / ' + formatSeconds(limit));
        $('rec-progress').value = 100;
        stopRecording('Time is up: your answer was recorded.');
        return;
      }
      setText('rec-timer', formatSeconds(elapsed) + ' / ' + formatSeconds(limit));
      $('rec-progress').value = Math.min(100, (elapsed / limit) * 100);
      if (limit - elapsed <= 10 && limit > 15) $('rec-timer').classList.add('timer-ending');
    };
    $('rec-timer').classList.remove('timer-ending');
    render();
    state.timers.push(setInterval(render, 200));
  }

  function stopRecording(message) {
    clearTimers();
    var recorder = state.recorder;
    if (!recorder || recorder.state === 'inactive') return;
    state.recordedSeconds = Math.min(
      (performance.now() - state.recordingStarted) / 1000,
      Math.max(1, state.current.maxAnswerSeconds || 60)
    );
    state.stopMessage = message || 'Recording stopped.';
    $('stop').disabled = true;
    try {
      recorder.stop();
    } catch (e) {
      onRecordingStopped(recorder);
    }
  }

  function onRecordingStopped(recorder) {
    if (state.recorder !== recorder) return;
    state.recorder = null;
    clearTimers();
    guardLeaving(false);
    $('rec-badge').hidden = true;
    var q = state.current;
    var type = baseType(recorder.mimeType) || baseType(recordingType()) || 'video/webm';
    var blob = new Blob(state.chunks, { type: type });
    state.chunks = [];
    if (!blob.size) {
      $('phase-recording').hidden = true;
      $('phase-thinking').hidden = false;
      setText('thinking-label', 'Ready when you are');
      setText('thinking-countdown', '');
      setText('question-status', 'The recording came out empty. Please record your answer again.');
      $('record').focus();
      return;
    }
    takes.add(q.id);
    var record = {
      key: store.key(state.token, q.id),
      token: state.token,
      questionId: q.id,
      blob: blob,
      contentType: type,
      size: blob.size,
      seconds: state.recordedSeconds,
      savedAt: new Date().toISOString(),
      uploadId: null,
      method: null,
      partSize: null,
      putDone: false
    };
    var previous = state.pending[q.id];
    state.pending[q.id] = record;
    announce(state.stopMessage || 'Recording stopped.');
    // Saved before anything is sent, so a reload or a lost connection keeps the answer.
    safely(store.put(record)).then(function () {
      if (previous && previous.uploadId) abortUpload(previous);
    });
    showReview(q, takeFromRecord(record), false);
  }

  // ---------------------------------------------------------------------------------------------
  // Review

  function showReview(q, take, restored) {
    clearTimers();
    state.current = q;
    state.take = take;
    setText('review-question', q.text);
    $('review-restored').hidden = !restored;
    setText('review-status', '');
    var video = $('review-video');
    if (state.reviewUrl) URL.revokeObjectURL(state.reviewUrl);
    state.reviewUrl = URL.createObjectURL(take.blob);
    video.src = state.reviewUrl;
    // Recorded WebM has no duration until the player has seen the end; seek there once.
    video.onloadedmetadata = function () {
      video.onloadedmetadata = null;
      if (video.duration === Infinity || isNaN(video.duration)) {
        video.onseeked = function () {
          video.onseeked = null;
          video.currentTime = 0;
        };
        video.currentTime = 1e101;
      }
    };
    var info = [];
    if (take.seconds) info.push('Length ' + formatSeconds(take.seconds));
    info.push(formatBytes(take.blob.size));
    var left = takesLeft(q);
    var retake = $('retake');
    if (left > 0) {
      retake.hidden = false;
      setText('retake', 'Record again (' + plural(left, 'take', 'takes') + ' left)');
    } else {
      retake.hidden = true;
      info.push('You have used all your takes for this question.');
    }
    setText('review-info', info.join(' · '));
    var tooLarge = state.session.maxUploadBytes && take.blob.size > state.session.maxUploadBytes;
    $('upload').disabled = !!tooLarge;
    if (tooLarge) {
      setText('review-status', 'This recording is larger than the ' + formatBytes(state.session.maxUploadBytes) +
        ' allowed. Please record a shorter answer.');
    }
    setProgress(q);
    show('review');
  }

  function retake() {
    var q = state.current;
    if (!q || takesLeft(q) <= 0) return;
    var video = $('review-video');
    video.pause();
    video.removeAttribute('src');
    video.load();
    if (state.reviewUrl) URL.revokeObjectURL(state.reviewUrl);
    state.reviewUrl = null;
    if (!streamLive()) {
      // The stored take stays until a new one replaces it; go straight to the question after the check.
      delete state.pending[q.id];
      return startCamera();
    }
    showQuestion(q);
  }

  // ---------------------------------------------------------------------------------------------
  // Upload

  function setUploadProgress(fraction) {
    var percent = Math.max(0, Math.min(100, Math.floor(fraction * 100)));
    $('upload-progress').value = percent;
    var label = $('upload-percent');
    var shown = parseInt(label.getAttribute('data-percent') || '-100', 10);
    // Screen readers hear every tenth percent, not every event.
    if (percent === 100 || percent === 0 || Math.abs(percent - shown) >= 10) {
      label.setAttribute('data-percent', String(percent));
      label.textContent = percent + '%';
    }
  }

  function startUpload() {
    var q = state.current;
    var take = state.take;
    if (!q || !take || state.uploading) return;
    state.uploading = true;
    guardLeaving(true);
    var video = $('review-video');
    video.pause();
    $('retry-upload').hidden = true;
    $('next').hidden = true;
    setText('uploading-title', 'Sending your answer');
    setText('uploading-help', 'Please keep this page open until your answer is sent.');
    setText('upload-status', '');
    $('upload-percent').setAttribute('data-percent', '-100');
    setUploadProgress(0);
    show('uploading');
    uploadWithRetry(q, take.record).then(function (confirmed) {
      state.uploading = false;
      if (confirmed) onUploaded(q, take.record, confirmed);
    });
  }

  /** Three automatic attempts, then a Retry button. Resolves with the confirmation or null. */
  function uploadWithRetry(q, record) {
    var attempt = 0;
    var lastError = null;
    function run() {
      if (attempt >= RETRY_DELAYS_MS.length) return Promise.resolve(giveUp(lastError));
      var delay = RETRY_DELAYS_MS[attempt];
      attempt += 1;
      var wait = delay ? countdown(delay, attempt) : Promise.resolve();
      return wait.then(function () {
        return attemptUpload(q, record);
      }).then(function (confirmed) {
        return confirmed;
      }, function (err) {
        if (!isRetryable(err)) return handleUploadFailure(q, record, err);
        lastError = err;
        return run();
      });
    }
    return run();
  }

  function countdown(ms, attempt) {
    var ends = Date.now() + ms;
    return new Promise(function (resolve) {
      var tick = function () {
        var left = Math.ceil((ends - Date.now()) / 1000);
        if (left <= 0) {
          clearInterval(timer);
          setText('upload-status', 'Trying again (attempt ' + attempt + ' of ' + RETRY_DELAYS_MS.length + ')…');
          resolve();
          return;
        }
        setText('upload-status', 'The connection dropped. Trying again in ' + left + ' s…');
      };
      var timer = setInterval(tick, 250);
      tick();
    });
  }

  function isRetryable(err) {
    if (isTransient(err)) return true;
    if (err && err.storage) return true; // a refused upload URL: the next attempt gets a fresh one
    if (err && err.retry) return true;
    return false;
  }

  function giveUp(err) {
    state.uploading = false;
    // The recording is safe on this device, so leaving the page no longer loses anything.
    guardLeaving(false);
    setUploadProgress(0);
    setText('uploading-title', 'Your answer has not been sent yet');
    setText('uploading-help', 'Nothing is lost: you can try again now, or come back to this link later.');
    setText('upload-status', 'We couldn’t send your answer' + (err instanceof NetworkError ? ' because the connection is down' : '') +
      '. Your recording is saved on this device. Check your internet connection and press Retry.');
    var retry = $('retry-upload');
    retry.hidden = false;
    retry.focus();
    return null;
  }

  function retryUpload() {
    if (state.uploading || !state.take) return;
    $('retry-upload').hidden = true;
    state.uploading = true;
    guardLeaving(true);
    setText('uploading-title', 'Sending your answer');
    setText('uploading-help', 'Please keep this page open until your answer is sent.');
    setText('upload-status', 'Trying again…');
    setUploadProgress(0);
    uploadWithRetry(state.current, state.take.record).then(function (confirmed) {
      state.uploading = false;
      if (confirmed) onUploaded(state.current, state.take.record, confirmed);
    });
  }

  /** Errors that another attempt cannot fix. */
  function handleUploadFailure(q, record, err) {
    state.uploading = false;
    guardLeaving(false);
    var code = err && err.code;
    if (code === 'interview_expired' || code === 'link_not_found' || code === 'interview_completed') {
      showServerError(err);
      return null;
    }
    if (code === 'retakes_exhausted') {
      // Another tab or device may have answered already: trust the server's view.
      reloadSession().then(function () {
        var fresh = questionById(q.id);
        if (fresh && fresh.answered) {
          safely(store.remove(record.key));
          delete state.pending[q.id];
          return advance();
        }
        showError('generic', 'There are no attempts left for this question. Please contact the person who invited you.');
      }, showServerError);
      return null;
    }
    var message = (err && err.detail) || 'The answer could not be sent.';
    if (code === 'upload_too_large') message = 'This recording is too large to send. Please record a shorter answer.';
    if (code === 'unsupported_content_type') message = 'This browser records video in a format that is not accepted. Please try another browser.';
    showReview(q, state.take, false);
    setText('review-status', message);
    return null;
  }

  function persist(record) {
    return safely(store.put(record));
  }

  function abortUpload(record) {
    if (!record.uploadId) return Promise.resolve();
    var path = uploadsPath(record.questionId, '/' + encodeURIComponent(record.uploadId));
    return safely(call('DELETE', path));
  }

  function forgetUpload(record) {
    record.uploadId = null;
    record.method = null;
    record.partSize = null;
    record.putDone = false;
    return persist(record);
  }

  /** One try: resume the upload this recording already has, or start a new one; then confirm. */
  function attemptUpload(q, record) {
    var path = uploadsPath(q.id);
    var resumed;
    if (record.uploadId && record.method === 'MULTIPART') {
      resumed = call('GET', path + '/' + encodeURIComponent(record.uploadId)).then(function (status) {
        var st = String(status.state || '').toLowerCase();
        var expired = status.expiresAt && new Date(status.expiresAt).getTime() <= Date.now();
        if (st === 'completed' || st === 'confirmed') return complete(q, record);
        if (st === 'aborted' || st === 'expired' || expired) return null;
        if (status.partSize) record.partSize = status.partSize;
        var done = (status.uploadedParts || []).reduce(function (sum, p) { return sum + (p.size || 0); }, 0);
        return sendParts(record, status.parts || [], done).then(function () { return complete(q, record); });
      }, function (err) {
        if (err.status === 404 || err.status === 410 || err.code === 'upload_aborted') return null;
        throw err;
      });
    } else if (record.uploadId && record.putDone) {
      resumed = complete(q, record).catch(function (err) {
        if (isTransient(err)) throw err;
        return abortUpload(record).then(function () { return null; });
      });
    } else if (record.uploadId) {
      // The single PUT may not have finished; its URL is gone, so start over.
      resumed = abortUpload(record).then(function () { return null; });
    } else {
      resumed = Promise.resolve(null);
    }
    return resumed.then(function (confirmed) {
      if (confirmed) return confirmed;
      return forgetUpload(record).then(function () { return createAndSend(q, record); });
    });
  }

  function createAndSend(q, record) {
    var threshold = state.session.multipartThresholdBytes;
    var body = { contentType: record.contentType, size: record.blob.size };
    if (threshold && record.blob.size >= threshold) body.multipart = true;
    setUploadProgress(0);
    return call('POST', uploadsPath(q.id), body).then(function (created) {
      record.uploadId = created.uploadId;
      record.method = created.method;
      record.partSize = created.partSize || null;
      record.putDone = false;
      return persist(record).then(function () {
        if (created.method === 'MULTIPART') return sendParts(record, created.parts || [], 0);
        return xhrPut(created.url, record.blob, created.headers || {}, function (loaded) {
          setUploadProgress(loaded / record.blob.size);
        }).then(function () {
          record.putDone = true;
          return persist(record);
        });
      });
    }).then(function () {
      return complete(q, record);
    });
  }

  /** PUTs the given parts, a few at a time. `alreadySent` counts bytes of parts already stored. */
  function sendParts(record, parts, alreadySent) {
    var blob = record.blob;
    var total = blob.size || 1;
    var partSize = record.partSize || (parts.length ? parts[0].size : blob.size);
    var loaded = {};
    var report = function () {
      var sum = alreadySent;
      Object.keys(loaded).forEach(function (k) { sum += loaded[k]; });
      setUploadProgress(sum / total);
    };
    var queue = parts.slice().sort(function (a, b) { return a.partNumber - b.partNumber; });
    var active = [];
    var failed = false;
    report();
    function worker() {
      var part = failed ? null : queue.shift();
      if (!part) return Promise.resolve();
      var start = (part.partNumber - 1) * partSize;
      var slice = blob.slice(start, Math.min(start + partSize, blob.size));
      return xhrPut(part.url, slice, {}, function (n) {
        loaded[part.partNumber] = n;
        report();
      }, active).then(worker, function (err) {
        // One part failed: stop the others; the next attempt asks which parts are missing.
        if (!failed) {
          failed = true;
          active.slice().forEach(function (xhr) { xhr.abort(); });
        }
        throw err;
      });
    }
    var workers = [];
    for (var i = 0; i < Math.min(PART_CONCURRENCY, queue.length || 1); i++) workers.push(worker());
    return Promise.all(workers);
  }

  /** Asks the server to confirm the answer. Resolves with the confirmation. */
  function complete(q, record) {
    setText('upload-status', 'Checking that your answer arrived…');
    var path = uploadsPath(q.id, '/' + encodeURIComponent(record.uploadId) + '/complete');
    return call('POST', path).then(function (confirmed) {
      return confirmed;
    }, function (err) {
      if (err.code === 'upload_already_completed') {
        // The confirmation was lost on the way back; the server's view says whether it counted.
        return reloadSession().then(function () {
          var fresh = questionById(q.id);
          if (fresh && fresh.answered && fresh.answer && fresh.answer.uploadId === record.uploadId) {
            return { questionId: q.id, answer: fresh.answer, retakesUsed: fresh.retakesUsed, attemptsLeft: fresh.attemptsLeft };
          }
          err.retry = true;
          return forgetUpload(record).then(function () { throw err; });
        });
      }
      if (err.code === 'upload_expired' || err.code === 'upload_not_found' || err.code === 'upload_aborted' || err.code === 'wrong_upload_method') {
        err.retry = true;
        return forgetUpload(record).then(function () { throw err; });
      }
      if (err.code === 'upload_incomplete') {
        // Multipart: the next attempt asks which parts are missing. Single PUT: send it again.
        err.retry = true;
        if (record.method !== 'MULTIPART') {
          return abortUpload(record).then(function () { return forgetUpload(record); }).then(function () { throw err; });
        }
      }
      throw err;
    });
  }

  function onUploaded(q, record, confirmed) {
    guardLeaving(false);
    q.answered = true;
    q.answer = confirmed.answer || q.answer;
    if (confirmed.attemptsLeft != null) q.attemptsLeft = confirmed.attemptsLeft;
    if (confirmed.retakesUsed != null) q.retakesUsed = confirmed.retakesUsed;
    if (state.session.status === 'invited') state.session.status = 'in_progress';
    delete state.pending[q.id];
    takes.clear(q.id);
    // Only now, with the server's confirmation in hand, is the local copy let go.
    safely(store.remove(record.key));
    if (state.reviewUrl) {
      URL.revokeObjectURL(state.reviewUrl);
      state.reviewUrl = null;
      $('review-video').removeAttribute('src');
    }
    state.take = null;
    setUploadProgress(1);
    var answered = answeredCount();
    var total = state.session.questions.length;
    setText('uploading-title', 'Answer sent');
    setText('uploading-help', 'You have answered ' + answered + ' of ' + total + ' questions.');
    setText('upload-status', 'Your answer was received.');
    var next = $('next');
    setText('next', nextQuestion() ? 'Next question' : 'Review and submit');
    next.hidden = false;
    $('uploading-title').focus();
  }

  // ---------------------------------------------------------------------------------------------
  // Submit

  function showSubmit() {
    clearTimers();
    setProgress(null);
    setText('submit-company', state.session.company || 'the team');
    var list = $('submit-list');
    list.textContent = '';
    state.session.questions.forEach(function (q, i) {
      var li = document.createElement('li');
      li.className = q.answered ? 'answered' : 'missing';
      var mark = document.createElement('span');
      mark.className = 'mark';
      mark.setAttribute('aria-hidden', 'true');
      mark.textContent = q.answered ? '✓' : '•';
      var text = document.createElement('span');
      text.textContent = 'Question ' + (i + 1) + ': ' + q.text;
      var status = document.createElement('span');
      status.className = 'visually-hidden';
      status.textContent = q.answered ? ' (answered)' : ' (not answered)';
      li.appendChild(mark);
      li.appendChild(text);
      li.appendChild(status);
      list.appendChild(li);
    });
    setText('submit-status', '');
    $('submit').disabled = false;
    show('submit');
  }

  function submit() {
    var button = $('submit');
    if (button.disabled) return;
    button.disabled = true;
    setText('submit-status', 'Submitting…');
    withRetry(function () { return call('POST', candidatePath('/submit')); }).then(function (result) {
      state.session.status = 'completed';
      state.session.completedAt = result.completedAt || new Date().toISOString();
      return forgetRecordingsOfThisLink().then(function () { showDone(false); });
    }, function (err) {
      if (err.code === 'answers_missing') {
        setText('submit-status', 'Some answers are missing. Taking you to the next one…');
        return reloadSession().then(function () {
          return restorePending();
        }).then(advance, showServerError);
      }
      if (err.code === 'interview_completed') return showDone(true);
      if (err instanceof NetworkError || isTransient(err)) {
        button.disabled = false;
        setText('submit-status', 'We couldn’t reach the server. Check your connection and press “Submit interview” again.');
        return null;
      }
      return showServerError(err);
    });
  }

  function showDone(earlier) {
    clearTimers();
    stopStream();
    guardLeaving(false);
    setProgress(null);
    var s = state.session || {};
    var firstName = s.candidate && s.candidate.firstName;
    if (earlier) {
      setText('done-title', 'This interview is complete');
      setText('done-message', 'You have already completed this interview' +
        (s.completedAt ? ' on ' + formatDate(s.completedAt) : '') + '. Thank you!');
      setText('done-detail', (s.company || 'The team') + ' will be in touch. There is nothing more to do here.');
    } else {
      setText('done-title', 'Thank you' + (firstName ? ', ' + firstName : '') + '!');
      setText('done-message', 'Your interview has been submitted to ' + (s.company || 'the team') + '.');
      setText('done-detail', 'They will watch your answers and get back to you. You can close this page now.');
    }
    $('screen-done').setAttribute('data-state', earlier ? 'already-completed' : 'submitted');
    show('done');
  }

  // ---------------------------------------------------------------------------------------------
  // Wiring

  function init() {
    $('start').addEventListener('click', function () {
      $('start').disabled = true;
      Promise.resolve(advance()).then(function () { $('start').disabled = false; });
    });
    $('camera-ok').addEventListener('click', function () {
      if (!streamLive()) return startCamera();
      stopMeter();
      advance();
    });
    $('record').addEventListener('click', function () {
      $('record').disabled = true;
      startRecording();
    });
    $('stop').addEventListener('click', function () { stopRecording('Recording stopped.'); });
    $('retake').addEventListener('click', retake);
    $('upload').addEventListener('click', startUpload);
    $('retry-upload').addEventListener('click', retryUpload);
    $('next').addEventListener('click', function () {
      $('next').hidden = true;
      advance();
    });
    $('submit').addEventListener('click', submit);
    $('error-action').addEventListener('click', function () {
      if (errorAction) errorAction();
    });
    window.addEventListener('online', function () {
      if (!$('retry-upload').hidden && !$('screen-uploading').hidden) retryUpload();
    });
    load();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
