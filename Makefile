.PHONY: run test fmt lint build-lambdas

## Start every function in one process on http://127.0.0.1:3000 (no AWS account needed).
run:
	cargo run -p reelview-local

## Install what the tests need (apt, .venv) and run every check. CI runs exactly this.
test:
	bash .ci/test

fmt:
	cargo fmt --all

lint:
	cargo clippy --workspace --all-targets -- -D warnings

## Release builds of every Lambda for arm64 (needs cargo-lambda: pip install cargo-lambda).
build-lambdas:
	sam build
