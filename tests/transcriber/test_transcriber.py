"""The local transcription server (functions/local/transcriber) against speech made by espeak-ng.

Each test sends what a browser sends, a WebM/Opus recording, as reelview-local sends it:
multipart `file`, `model`, `response_format=verbose_json`, word and segment timestamps.
Needs `espeak-ng` and `ffmpeg` (Debian) and functions/local/transcriber/requirements.txt.
"""

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER = ROOT / "functions" / "local" / "transcriber" / "server.py"
# Sentences each engine hears (espeak-ng's voice is far from the voices the models learned
# from: PocketSphinx mishears most sentences, Moonshine a few), and the words that must be heard.
SPOKEN = {
    "moonshine": [
        ("My greatest strength is solving problems with my team.",
         {"greatest", "strength", "problems", "team"}),
        ("I have five years of experience building web applications.",
         {"five", "years", "experience", "applications"}),
    ],
    "pocketsphinx": [
        ("Thank you for the opportunity to interview today.",
         {"thank", "opportunity", "interview"}),
        ("Hello world.", {"hello", "world"}),
    ],
}


@pytest.fixture(scope="module", params=list(SPOKEN))
def server(request):
    """The base URL of a server running the engine named by the parameter."""
    proc = subprocess.Popen(
        [sys.executable, str(SERVER), "--host", "127.0.0.1", "--port", "0",
         "--engine", request.param],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        line = proc.stdout.readline()  # "listening on http://127.0.0.1:PORT (model)"
        match = re.search(r"http://[\d.]+:\d+", line)
        assert match, f"the server did not start: {line!r}"
        yield match.group(0)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def speech_webm(tmp_path: Path, text: str) -> bytes:
    wav, webm = tmp_path / "speech.wav", tmp_path / "speech.webm"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(wav), text], check=True)
    return browser_recording(wav, webm)


def browser_recording(source: Path, webm: Path, *input_args: str) -> bytes:
    """Opus in WebM at 48 kHz, as MediaRecorder writes it."""
    subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", *input_args, "-i", str(source),
         "-c:a", "libopus", "-b:a", "48k", "-ar", "48000", str(webm)],
        check=True,
    )
    return webm.read_bytes()


def post(base: str, data: bytes, filename="answer.webm", content_type="video/webm", **fields):
    fields = {"model": "whisper-1", "response_format": "verbose_json", **fields}
    boundary = uuid.uuid4().hex
    body = b""
    for name, value in fields.items():
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                 f"{value}\r\n").encode()
    for granularity in ("word", "segment"):
        body += (f"--{boundary}\r\nContent-Disposition: form-data; "
                 f"name=\"timestamp_granularities[]\"\r\n\r\n{granularity}\r\n").encode()
    body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
             f"filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n").encode()
    body += data + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(
        f"{base}/v1/audio/transcriptions", data=body, method="POST",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def words_of(text: str) -> set[str]:
    return set(re.findall(r"[a-z']+", text.lower()))


def test_health(server):
    with urllib.request.urlopen(f"{server}/health", timeout=10) as response:
        assert json.loads(response.read())["status"] == "ok"


def test_a_spoken_answer_comes_back_as_text_with_timings(server, request, tmp_path):
    for sentence, key_words in SPOKEN[request.node.callspec.params["server"]]:
        status, reply = post(server, speech_webm(tmp_path, sentence), language="en")

        assert status == 200, reply
        heard = words_of(reply["text"])
        assert key_words <= heard, f"heard {reply['text']!r} for {sentence!r}"
        assert 1.0 < reply["duration"] < 10.0
        assert reply["segments"], reply
        for segment in reply["segments"]:
            assert 0 <= segment["start"] < segment["end"] <= reply["duration"] + 0.5
        timed = {w["word"].lower().strip(".,!?") for w in reply["words"]}
        assert key_words <= timed, reply["words"]
        starts = [w["start"] for w in reply["words"]]
        assert starts == sorted(starts)
        assert all(w["start"] <= w["end"] <= reply["duration"] + 0.5 for w in reply["words"])


def test_silence_gives_an_empty_transcript(server, tmp_path):
    silence = browser_recording(Path("anullsrc=r=48000:cl=mono"), tmp_path / "silence.webm",
                                "-f", "lavfi", "-t", "3")

    status, reply = post(server, silence)

    assert status == 200, reply
    assert reply["text"] == ""
    assert reply["segments"] == [] and reply["words"] == []
    assert reply["duration"] == pytest.approx(3.0, abs=0.2)


def test_an_empty_or_undecodable_file_is_a_bad_request(server):
    for data in (b"", b"this is not a recording"):
        status, reply = post(server, data)
        assert status == 400, reply
        assert reply["error"]["message"]


def test_a_language_the_model_lacks_is_refused(server, tmp_path):
    status, reply = post(server, speech_webm(tmp_path, "Hello."), language="de")
    assert status == 400
    assert "English" in reply["error"]["message"]
