/*
 * The camera and the microphone: asking for them, telling why they could not be had, the
 * microphone level, choosing a recording type and a bit rate that keeps the longest answer under
 * the size limit, and MediaRecorder itself. No page state and no DOM: callers pass what they need.
 *
 * A recording is of one of two kinds: `video` (camera and microphone) or `audio` (the
 * microphone only; no camera is asked for).
 */
import { safely } from './candidate-util.js';

/** The first MediaRecorder type the browser supports wins; uploads use the part before ';'. */
const RECORDING_TYPES = {
  video: ['video/webm;codecs=vp8,opus', 'video/webm', 'video/mp4'],
  audio: ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus', 'audio/ogg', 'audio/mp4', 'audio/mpeg']
};

/** What the server accepts when it does not say. */
const DEFAULT_ALLOWED_TYPES = {
  video: ['video/webm', 'video/mp4'],
  audio: ['audio/webm', 'audio/ogg', 'audio/mp4', 'audio/mpeg']
};

/** `video/webm;codecs=vp8,opus` → `video/webm`. */
export function baseType(type) {
  return String(type || '').split(';')[0].trim().toLowerCase();
}

/** Whether this browser can give the page a camera and record it. */
export function canRecord() {
  return !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder);
}

const MICROPHONE = { echoCancellation: true, noiseSuppression: true };

/** Asks for the camera and the microphone (`video`), or for the microphone alone (`audio`). */
export function openDevices(kind) {
  if (kind === 'audio') return navigator.mediaDevices.getUserMedia({ audio: MICROPHONE });
  return navigator.mediaDevices.getUserMedia({
    video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30, max: 30 }, facingMode: 'user' },
    audio: MICROPHONE
  });
}

/** Which error screen explains a failed `getUserMedia`. */
export function cameraErrorKind(err) {
  const name = err && err.name;
  if (name === 'NotAllowedError' || name === 'PermissionDeniedError' || name === 'SecurityError') return 'camera_denied';
  if (name === 'NotFoundError' || name === 'DevicesNotFoundError' || name === 'OverconstrainedError') return 'camera_missing';
  if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') return 'camera_busy';
  return 'camera_missing';
}

function hasLive(stream, trackKind) {
  return stream.getTracks().some((t) => t.readyState === 'live' && t.kind === trackKind);
}

/**
 * The stream is what a recording of `kind` needs, and no more: a live camera and microphone
 * for `video`; a live microphone and no camera for `audio` (the camera is not kept on while
 * the candidate answers with their voice).
 */
export function fits(stream, kind) {
  if (!stream) return false;
  if (kind === 'audio') return hasLive(stream, 'audio') && !hasLive(stream, 'video');
  return hasLive(stream, 'video') && hasLive(stream, 'audio');
}

/** Calls `onEnded` when the camera or the microphone goes away (unplugged, taken, revoked). */
export function watchTracks(stream, onEnded) {
  stream.getTracks().forEach((track) => {
    track.onended = onEnded;
  });
}

/** Switches the camera and the microphone off. */
export function stopTracks(stream) {
  stream.getTracks().forEach((t) => { t.onended = null; t.stop(); });
}

/**
 * Measures the microphone level (0–100) on every animation frame and hands it to `onLevel`.
 * Returns a handle for `stopMeter`, or null where there is nothing to measure.
 */
export function startMeter(stream, onLevel) {
  const AudioCtx = window.AudioContext || window.webkitAudioContext;
  if (!AudioCtx || !stream.getAudioTracks().length) return null;
  try {
    const ctx = new AudioCtx();
    const source = ctx.createMediaStreamSource(stream);
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const data = new Uint8Array(analyser.fftSize);
    const meter = { ctx: ctx, frame: 0 };
    const tick = () => {
      analyser.getByteTimeDomainData(data);
      let sum = 0;
      for (let i = 0; i < data.length; i++) {
        const v = (data[i] - 128) / 128;
        sum += v * v;
      }
      onLevel(Math.min(100, Math.round(Math.sqrt(sum / data.length) * 400)));
      meter.frame = requestAnimationFrame(tick);
    };
    if (ctx.state === 'suspended') safely(ctx.resume());
    meter.frame = requestAnimationFrame(tick);
    return meter;
  } catch (e) {
    return null;
  }
}

export function stopMeter(meter) {
  cancelAnimationFrame(meter.frame);
  safely(Promise.resolve(meter.ctx.close()));
}

/**
 * The first recording type that both the browser and the server accept: `null` without
 * MediaRecorder, `''` when none fits (the browser then picks).
 */
export function recordingType(kind, allowed) {
  if (!window.MediaRecorder) return null;
  kind = kind === 'audio' ? 'audio' : 'video';
  allowed = allowed && allowed.length ? allowed : DEFAULT_ALLOWED_TYPES[kind];
  const types = RECORDING_TYPES[kind];
  for (let i = 0; i < types.length; i++) {
    const type = types[i];
    if (allowed.indexOf(baseType(type)) < 0) continue;
    try {
      if (MediaRecorder.isTypeSupported(type)) return type;
    } catch (e) { /* try the next one */ }
  }
  return '';
}

/** MediaRecorder options for `type` that keep the longest possible answer well under `maxBytes`. */
export function recorderOptions(kind, type, maxBytes, maxAnswerSeconds) {
  const options = {};
  if (type) options.mimeType = type;
  maxBytes = maxBytes || 0;
  const seconds = Math.max(1, maxAnswerSeconds || 60);
  if (kind === 'audio') {
    let audioBits = 128000;
    if (maxBytes) audioBits = Math.min(audioBits, Math.floor((maxBytes * 8 * 0.8) / seconds));
    options.audioBitsPerSecond = Math.max(32000, audioBits);
    return options;
  }
  let bits = 2500000;
  if (maxBytes) bits = Math.min(bits, Math.floor((maxBytes * 8 * 0.8) / seconds) - 128000);
  options.videoBitsPerSecond = Math.max(250000, bits);
  options.audioBitsPerSecond = 128000;
  return options;
}

/**
 * Starts recording `stream` in one-second chunks. Returns the recording, or null when this
 * browser cannot record. `onStop(recording)` is called once the recorder has handed over the
 * last chunk; `onError` when the recorder reports a failure.
 */
export function startRecorder(stream, options, onStop, onError) {
  let recorder;
  try {
    recorder = new MediaRecorder(stream, options);
  } catch (e) {
    try {
      recorder = new MediaRecorder(stream);
    } catch (e2) {
      return null;
    }
  }
  let chunks = [];
  const recording = {
    /** Still recording (or about to hand over the last chunk). */
    get active() { return recorder.state !== 'inactive'; },
    /** The type the browser actually records, once it knows. */
    get mimeType() { return recorder.mimeType; },
    stop() {
      try {
        recorder.stop();
      } catch (e) {
        onStop(recording);
      }
    },
    /** Everything recorded, as one blob of `type`; the chunks are let go. */
    takeBlob(type) {
      const blob = new Blob(chunks, { type: type });
      chunks = [];
      return blob;
    }
  };
  recorder.ondataavailable = (e) => {
    if (e.data && e.data.size) chunks.push(e.data);
  };
  recorder.onstop = () => { onStop(recording); };
  recorder.onerror = onError;
  try {
    recorder.start(1000);
  } catch (e) {
    return null;
  }
  return recording;
}
