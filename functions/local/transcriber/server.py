#!/usr/bin/env python3
"""An offline, OpenAI-compatible speech-to-text server for running Reelview locally.

It answers `POST /v1/audio/transcriptions` (multipart: `file`, `model`, `response_format`,
`timestamp_granularities[]`, `language`) like OpenAI's Whisper endpoint and `GET /health`.
Both models come inside PyPI wheels, so nothing is downloaded at run time:

- `moonshine` (default): Moonshine base-en (MIT, wheel `moonshine-cpp`) writes the text of each
  stretch of speech; PocketSphinx then aligns that text to the audio for word timings.
- `pocketsphinx`: PocketSphinx's own en-us recogniser (BSD, wheel `pocketsphinx`). Smaller and
  faster, but far less accurate on real voices.

Any input ffmpeg reads (browser WebM/Opus, MP4, Ogg, WAV...) is decoded to 16 kHz mono PCM,
split at pauses into segments of at most MAX_SEGMENT_S seconds, and each segment transcribed.

    python functions/local/transcriber/server.py --host 127.0.0.1 --port 8808
"""

from __future__ import annotations

import argparse
import array
import ctypes
import email.parser
import email.policy
import json
import logging
import math
import re
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RATE = 16_000  # samples per second the models take
FRAME = RATE * 30 // 1000  # 30 ms analysis frames for finding speech and pauses
MAX_SEGMENT_S = 20.0  # Moonshine is trained on short utterances: longer speech is split
MIN_SPEECH_S = 0.2  # less speech than this in a recording is taken as silence
MERGE_GAP_S = 0.5  # pauses shorter than this stay inside a segment
PAD_S = 0.15  # kept on each side of a segment so no word is clipped
MAX_UPLOAD_BYTES = 1 << 30
DECODE_TIMEOUT_S = 300

log = logging.getLogger("transcriber")


class BadRequest(Exception):
    """The request cannot be served as sent: answered with 400 and the message."""


# ---------------------------------------------------------------------------------------------
# Audio: decoding and finding the stretches of speech.


def decode(data: bytes) -> array.array:
    """Any container or codec ffmpeg reads, as 16 kHz mono signed 16-bit samples."""
    if not data:
        raise BadRequest("the uploaded file is empty")
    proc = subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-i", "pipe:0",
         "-vn", "-ac", "1", "-ar", str(RATE), "-f", "s16le", "pipe:1"],
        input=data, capture_output=True, timeout=DECODE_TIMEOUT_S, check=False,
    )
    if proc.returncode != 0:
        reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise BadRequest("the file is not audio or video that can be decoded: "
                         + (reason[-1] if reason else f"ffmpeg exit {proc.returncode}"))
    samples = array.array("h")
    samples.frombytes(proc.stdout[: len(proc.stdout) // 2 * 2])
    return samples


def frame_levels(samples: array.array) -> list[float]:
    """Loudness of each 30 ms frame in dBFS."""
    levels = []
    for i in range(0, len(samples) - FRAME + 1, FRAME):
        frame = samples[i : i + FRAME]
        energy = sum(x * x for x in frame) / FRAME
        levels.append(10 * math.log10(energy / (32768.0 * 32768.0) + 1e-12))
    return levels


def speech_segments(samples: array.array) -> list[tuple[int, int]]:
    """(first, end) sample ranges holding speech, split at pauses and at most MAX_SEGMENT_S long.

    A frame is speech when it is clearly above the recording's own noise floor (its quietest
    tenth), so a quiet microphone and a noisy room both work; silence gives no segment.
    """
    levels = frame_levels(samples)
    if not levels:
        return []
    floor = sorted(levels)[len(levels) // 10]
    threshold = max(floor + 12.0, -55.0)
    voiced = [level > threshold for level in levels]
    if sum(voiced) * FRAME < MIN_SPEECH_S * RATE:
        return []

    runs: list[list[int]] = []  # [first frame, end frame) of speech, short pauses merged
    merge = int(MERGE_GAP_S * 1000 / 30)
    for i, v in enumerate(voiced):
        if not v:
            continue
        if runs and i - runs[-1][1] <= merge:
            runs[-1][1] = i + 1
        else:
            runs.append([i, i + 1])

    max_frames = int(MAX_SEGMENT_S * 1000 / 30)
    pieces: list[tuple[int, int]] = []
    for first, end in runs:
        while end - first > max_frames:
            # Cut a long run at its quietest frame in the second half of the allowed length.
            window = range(first + max_frames // 2, first + max_frames)
            cut = min(window, key=lambda j: levels[j])
            pieces.append((first, cut))
            first = cut
        pieces.append((first, end))

    pad = int(PAD_S * RATE)
    return [(max(0, a * FRAME - pad), min(len(samples), b * FRAME + pad)) for a, b in pieces]


# ---------------------------------------------------------------------------------------------
# Models.


@dataclass
class Word:
    word: str
    start: float
    end: float


@dataclass
class Piece:
    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)


def _sphinx_words(decoder, offset: float) -> list[Word]:
    words = []
    for seg in decoder.seg():
        token = re.sub(r"\(\d+\)$", "", seg.word)  # alternative pronunciations: "the(2)"
        if token.startswith("<") or token.startswith("[") or token.startswith("+"):
            continue  # silence and noise markers
        words.append(Word(token, round(offset + seg.start_frame / 100, 2),
                          round(offset + (seg.end_frame + 1) / 100, 2)))
    return words


class Sphinx:
    """PocketSphinx's en-us recogniser, and its aligner for another model's text."""

    name = "pocketsphinx-en-us"

    def __init__(self, recognise: bool = True) -> None:
        from pocketsphinx import Decoder

        # Two decoders, so neither switches searches: one with the language model, one that
        # only aligns given text (no language model to load).
        self._decoder = Decoder(loglevel="FATAL") if recognise else None
        self._aligner = Decoder(lm=None, loglevel="FATAL")
        self._lock = threading.Lock()
        self._align_lock = threading.Lock()

    def transcribe(self, pcm: bytes, offset: float) -> Piece:
        with self._lock:
            d = self._decoder
            d.start_utt()
            d.process_raw(pcm, full_utt=True)
            d.end_utt()
            words = _sphinx_words(d, offset)
        text = " ".join(w.word for w in words)
        return Piece(offset, offset + len(pcm) / 2 / RATE, text, words)

    def align(self, pcm: bytes, offset: float, text: str) -> list[Word]:
        """Times for each word of `text`, in order, from a forced alignment; words it cannot
        place get a share of the gap between their neighbours. Empty when it fails."""
        tokens = text.split()
        keys = [re.sub(r"[^a-z']", "", t.lower()).strip("'") for t in tokens]
        with self._align_lock:
            d = self._aligner
            in_dictionary = [bool(k) and d.lookup_word(k) is not None for k in keys]
            known = [k for k, ok in zip(keys, in_dictionary) if ok]
            if not known:
                return []
            try:
                d.set_align_text(" ".join(known))
                d.start_utt()
                d.process_raw(pcm, full_utt=True)
                d.end_utt()
                aligned = _sphinx_words(d, offset)
            except Exception as e:  # noqa: BLE001 - timings are optional, the text is not
                log.warning("alignment failed: %s", e)
                return []
        # A misheard word can stop the alignment early: what it placed is a prefix of the text.
        if [w.word for w in aligned] != known[: len(aligned)]:
            return []
        placed = iter(aligned)
        words: list[Word] = []
        for token, ok in zip(tokens, in_dictionary):
            w = next(placed, None) if ok else None
            words.append(Word(token, w.start, w.end) if w else Word(token, -1.0, -1.0))
        # Words left without a time (unknown to the dictionary, or after where the alignment
        # stopped) share the gap between their placed neighbours evenly.
        end = offset + len(pcm) / 2 / RATE
        i = 0
        while i < len(words):
            if words[i].start >= 0:
                i += 1
                continue
            j = i
            while j < len(words) and words[j].start < 0:
                j += 1
            before = words[i - 1].end if i > 0 else offset
            after = words[j].start if j < len(words) else end
            step = max(0.0, after - before) / (j - i)
            for k in range(i, j):
                words[k].start = round(before + step * (k - i), 2)
                words[k].end = round(before + step * (k - i + 1), 2)
            i = j
        return words


class Moonshine:
    """Moonshine base-en for the text, PocketSphinx alignment for the word timings."""

    name = "moonshine-base-en"

    def __init__(self, aligner: Sphinx) -> None:
        import moonshine_cpp
        from moonshine_cpp.moonshine_cpp import moonshine_lib

        self._lib = moonshine_lib
        self._model = moonshine_cpp.MoonshineModel(language="en")  # the wheel's own files
        self._aligner = aligner
        self._lock = threading.Lock()

    def transcribe(self, pcm: bytes, offset: float) -> Piece:
        samples = array.array("h")
        samples.frombytes(pcm)
        audio = (ctypes.c_float * len(samples))(*(x / 32768.0 for x in samples))
        out = ctypes.c_char_p(0)
        with self._lock:
            err = self._lib.moonshine_transcribe(
                self._model.model_handle, audio, len(samples), ctypes.byref(out))
        if err != 0:
            raise RuntimeError(f"moonshine_transcribe failed with code {err}")
        text = (out.value or b"").decode("utf-8", "replace").strip()
        self._lib.moonshine_free_text(out)
        words = self._aligner.align(pcm, offset, text) if text else []
        return Piece(offset, offset + len(samples) / RATE, text, words)


def load_engine(name: str):
    if name == "moonshine":
        return Moonshine(Sphinx(recognise=False))
    return Sphinx()


# ---------------------------------------------------------------------------------------------
# HTTP.

ENGLISH = {"en", "eng", "english", "en-us", "en-gb"}


def transcribe(engine, data: bytes) -> dict:
    samples = decode(data)
    duration = len(samples) / RATE
    pieces = []
    raw = samples.tobytes()
    for first, end in speech_segments(samples):
        piece = engine.transcribe(raw[first * 2 : end * 2], first / RATE)
        if piece.text:
            pieces.append(piece)
    return {
        "task": "transcribe",
        "language": "english",
        "duration": round(duration, 2),
        "text": " ".join(p.text for p in pieces),
        "segments": [
            {"id": i, "start": round(p.start, 2), "end": round(p.end, 2), "text": p.text}
            for i, p in enumerate(pieces)
        ],
        "words": [
            {"word": w.word, "start": w.start, "end": w.end} for p in pieces for w in p.words
        ],
    }


def parse_form(content_type: str, body: bytes) -> tuple[dict[str, list[str]], bytes | None]:
    """Fields and the `file` part of a multipart/form-data body."""
    if not content_type.lower().startswith("multipart/form-data"):
        raise BadRequest("send multipart/form-data with a `file` field")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
    if not message.is_multipart():
        raise BadRequest("the multipart body could not be read")
    fields: dict[str, list[str]] = {}
    file = None
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if name == "file":
            file = payload
        elif name:
            fields.setdefault(name, []).append(payload.decode("utf-8", "replace"))
    return fields, file


class Handler(BaseHTTPRequestHandler):
    server_version = "reelview-transcriber"
    protocol_version = "HTTP/1.1"
    engine = None  # set at start-up

    def log_message(self, fmt, *args):  # noqa: D401 - quieter access log through logging
        log.info("%s %s", self.address_string(), fmt % args)

    def _send(self, status: int, body, content_type="application/json") -> None:
        data = body if isinstance(body, bytes) else (
            body.encode() if isinstance(body, str) else json.dumps(body).encode())
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, message: str) -> None:
        kind = "invalid_request_error" if status < 500 else "server_error"
        self._send(status, {"error": {"message": message, "type": kind}})

    def do_GET(self):  # noqa: N802 - http.server's naming
        if self.path.split("?")[0] in ("/health", "/v1/health"):
            self._send(200, {"status": "ok", "model": self.engine.name})
        else:
            self._error(404, "not found")

    def do_POST(self):  # noqa: N802
        path = self.path.split("?")[0].rstrip("/")
        length = int(self.headers.get("Content-Length") or 0)
        if path not in ("/v1/audio/transcriptions", "/audio/transcriptions"):
            self.rfile.read(length)
            return self._error(404, "not found")
        if length > MAX_UPLOAD_BYTES:
            self.close_connection = True
            return self._error(413, "the file is too large")
        body = self.rfile.read(length)
        started = time.monotonic()
        try:
            fields, file = parse_form(self.headers.get("Content-Type", ""), body)
            if file is None:
                raise BadRequest("the `file` field is missing")
            language = (fields.get("language") or [""])[0].strip().lower()
            if language and language not in ENGLISH:
                raise BadRequest(f"only English is supported, not `{language}`")
            fmt = (fields.get("response_format") or ["json"])[0]
            result = transcribe(self.engine, file)
        except BadRequest as e:
            return self._error(400, str(e))
        except subprocess.TimeoutExpired:
            return self._error(400, "decoding the file took too long")
        except Exception:  # noqa: BLE001 - a 500 without internals; the log has the trace
            log.exception("transcription failed")
            return self._error(500, "transcription failed")
        log.info("transcribed %.1f s of audio in %.2f s", result["duration"],
                 time.monotonic() - started)
        if fmt == "text":
            return self._send(200, result["text"], "text/plain; charset=utf-8")
        if fmt == "verbose_json":
            return self._send(200, result)
        return self._send(200, {"text": result["text"]})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8808)
    parser.add_argument("--engine", choices=["moonshine", "pocketsphinx"], default="moonshine")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    Handler.engine = load_engine(args.engine)
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    host, port = server.server_address[:2]
    # The first line tells a script where the server listens (port 0 picks a free one).
    print(f"listening on http://{host}:{port} ({Handler.engine.name})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
