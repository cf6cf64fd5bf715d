#!/usr/bin/env bash
# `make run`: every function in one process (reelview-local) and, beside it, the offline
# transcription server (functions/local/transcriber), so recorded answers get transcripts and
# captions with no account anywhere. Set REELVIEW_TRANSCRIBE_URL to use another server, or to
# nothing (REELVIEW_TRANSCRIBE_URL=) to run without transcripts.
set -euo pipefail
cd "$(dirname "$0")/../.."

port=8808
if [ -z "${REELVIEW_TRANSCRIBE_URL+set}" ]; then
  if ! command -v ffmpeg >/dev/null; then
    echo "ffmpeg is not installed: running without transcripts (apt-get install ffmpeg to have them)"
  else
    [ -x .venv/bin/python ] || python3 -m venv .venv
    if .venv/bin/pip install -q --disable-pip-version-check -r functions/local/transcriber/requirements.txt; then
      .venv/bin/python functions/local/transcriber/server.py --host 127.0.0.1 --port "$port" &
      transcriber=$!
      trap 'kill $transcriber 2>/dev/null || true' EXIT
      export REELVIEW_TRANSCRIBE_URL="http://127.0.0.1:$port"
    else
      echo "the transcription server could not be installed: running without transcripts"
    fi
  fi
fi
cargo run -p reelview-local
