.PHONY: run test bench fmt lint build-lambdas transcriber

## Start every function in one process on http://127.0.0.1:3000 (no AWS account needed), with
## the offline transcription server beside it when ffmpeg is installed (functions/local/run.sh).
run:
	bash functions/local/run.sh

## An offline speech-to-text server on http://127.0.0.1:8808 for `REELVIEW_TRANSCRIBE_URL`
## (models from PyPI wheels into .venv; needs Debian's ffmpeg).
transcriber:
	@command -v ffmpeg >/dev/null || { echo "ffmpeg is missing: apt-get install ffmpeg" >&2; exit 1; }
	@test -x .venv/bin/python || python3 -m venv .venv
	.venv/bin/pip install -q --disable-pip-version-check -r functions/local/transcriber/requirements.txt
	.venv/bin/python functions/local/transcriber/server.py --host 127.0.0.1 --port 8808

## Install what the tests need (apt, .venv) and run every check. CI runs exactly this.
test:
	bash .ci/test

## Build every function in release (x86_64, and arm64 with cargo-lambda) beside a hello-world
## floor, measure sizes, init, memory, AWS calls and latency, and write them to BENCHMARKS.md.
## `make bench PARTS="calls warm"` measures only those parts (see tests/benches/main.rs).
bench:
	bash tests/benches/run.sh $(PARTS)

fmt:
	cargo fmt --all

lint:
	cargo clippy --workspace --all-targets -- -D warnings

## Release builds of every Lambda for arm64 (needs cargo-lambda: pip install cargo-lambda).
build-lambdas:
	sam build
