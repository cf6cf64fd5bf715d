"""What `make run` gives a developer: reelview-local with the offline transcription server beside
it. A voice answer spoken by espeak-ng, sent as the candidate page sends it (WebM/Opus, presigned
PUT, complete), comes back in the results as a ready transcript with the words said, and as
captions.

Needs the reelview-local binary (REELVIEW_LOCAL_BIN), `espeak-ng`, `ffmpeg` and
functions/local/transcriber/requirements.txt.
"""

import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from test_transcriber import SERVER, speech_webm, words_of

ROOT = Path(__file__).resolve().parents[2]
SENTENCE = "My greatest strength is solving problems with my team."
KEY_WORDS = {"greatest", "strength", "problems", "team"}


def started(command, env, pattern):
    """A process, and the URL it printed (matching `pattern`) once listening."""
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        match = re.search(pattern, line)
        if match:
            return proc, match.group(1)
    proc.kill()
    pytest.fail(f"{command[0]} did not start")


@pytest.fixture()
def local_run(tmp_path):
    """reelview-local transcribing through the offline server: (base URL, admin key)."""
    transcriber, transcriber_url = started(
        [sys.executable, str(SERVER), "--host", "127.0.0.1", "--port", "0"],
        dict(os.environ), r"(http://[\d.]+:\d+)")
    binary = os.environ.get("REELVIEW_LOCAL_BIN", str(ROOT / "target" / "debug" / "reelview-local"))
    admin_key = secrets.token_urlsafe(24)
    env = {**os.environ, "PORT": "0", "REELVIEW_DATA_DIR": str(tmp_path / "data"),
           "REELVIEW_ADMIN_KEY": admin_key, "REELVIEW_BACKEND": "local", "RUST_LOG": "warn",
           "REELVIEW_TRANSCRIBE_URL": transcriber_url}
    env.pop("PUBLIC_BASE_URL", None)
    server, base = started([binary], env, r"reelview-local listening on (\S+)")
    try:
        yield base, admin_key
    finally:
        for proc in (server, transcriber):
            proc.terminate()
            proc.wait(timeout=10)


def test_a_spoken_answer_is_transcribed_by_the_local_run(local_run, tmp_path):
    base, admin_key = local_run
    admin = {"Authorization": f"Bearer {admin_key}"}
    tenant = requests.post(f"{base}/admin/v1/tenants", json={"name": "Acme"}, headers=admin)
    key = {"Authorization": f"Bearer {tenant.json()['apiKey']}"}
    position = requests.post(f"{base}/v1/positions", headers=key, json={
        "name": "Engineer", "language": "en-US",
        "questions": [{"text": "What is your greatest strength?", "kind": "audio"}],
    }).json()
    question = position["questions"][0]["id"]
    invited = requests.post(f"{base}/v1/positions/{position['id']}/interviews", headers=key, json={
        "candidate": {"email": "ana@example.com", "firstName": "Ana", "lastName": "Silva"},
        "sendEmail": False,
    }).json()
    token = invited["url"].rsplit("/", 1)[-1]

    recording = speech_webm(tmp_path, SENTENCE)
    uploads = f"{base}/v1/candidate/{token}/answers/{question}/uploads"
    ticket = requests.post(uploads, json={"contentType": "audio/webm;codecs=opus",
                                          "size": len(recording)})
    assert ticket.status_code == 201, ticket.text
    ticket = ticket.json()
    put = requests.put(ticket["url"], data=recording, headers=ticket["headers"])
    assert put.status_code == 200, put.text
    done = requests.post(f"{uploads}/{ticket['uploadId']}/complete")
    assert done.status_code == 200, done.text

    deadline = time.time() + 90
    while True:
        results = requests.get(f"{base}/v1/interviews/{invited['id']}", headers=key).json()
        transcript = results["answers"][0]["transcript"]
        if transcript["status"] != "pending" or time.time() > deadline:
            break
        time.sleep(0.5)
    assert transcript["status"] == "ready", transcript
    assert KEY_WORDS <= words_of(transcript["text"]), transcript["text"]
    assert transcript["segments"], transcript

    captions = requests.get(
        f"{base}/v1/interviews/{invited['id']}/answers/{question}/captions.vtt", headers=key)
    assert captions.status_code == 200
    assert captions.headers["content-type"].startswith("text/vtt")
    assert captions.text.startswith("WEBVTT\n\n1\n00:00:")
    assert "greatest" in captions.text.lower()
