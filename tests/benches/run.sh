#!/usr/bin/env bash
# `make bench`: builds what BENCHMARKS.md measures, then measures it and writes the numbers
# between the markers of BENCHMARKS.md (tests/benches/main.rs says what each part does).
# Arguments go to the benchmarks: part names (functions, calls, warm, reminders) to run and
# print only those. Takes a while: two release builds of every function (x86_64 and arm64).
set -euo pipefail
cd "$(dirname "$0")/../.."

say() { printf '\n== %s\n' "$*"; }

if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  python3 -m venv .venv
fi
say "installing the emulator and cargo-lambda (.venv)"
.venv/bin/pip install -q --disable-pip-version-check "$(grep -m1 '^moto' tests/requirements.txt)"
.venv/bin/pip install -q --disable-pip-version-check -r tests/benches/requirements.txt

target=${CARGO_TARGET_DIR:-$(pwd)/target}
export CARGO_TARGET_DIR=$target
# Every deployed function (the manifest, shared/src/functions.rs) and the floor, in one
# cargo invocation so their shared dependencies build once.
functions=$(grep -o 'name: "reelview-[a-z-]*"' shared/src/functions.rs | cut -d'"' -f2)
packages=""
for name in $functions reelview-floor; do packages="$packages -p $name"; done

# Some parts only: printed, BENCHMARKS.md keeps the full run. Only `functions` needs the
# release binaries.
if [ $# -gt 0 ] && [[ " $* " != *" functions "* ]]; then
  say "measuring: $*"
  exec cargo bench -p reelview-local --bench benchmarks -- "$@"
fi

say "release build, x86_64 (the binaries the benchmarks start)"
# shellcheck disable=SC2086
cargo build --release $packages

say "release build, arm64 (cargo-lambda, as sam build does)"
# Stale arm64 binaries must not pass for this run's: the bench reports what is there.
for name in $functions reelview-floor; do rm -rf "$target/lambda/$name"; done
# shellcheck disable=SC2086
if rustup target add aarch64-unknown-linux-gnu >/dev/null 2>&1 \
  && PATH="$(pwd)/.venv/bin:$PATH" cargo lambda build --release --arm64 $packages; then
  echo "arm64 built"
else
  echo "arm64 did not build here: sizes are reported for x86_64 only" >&2
fi

say "measuring"
export REELVIEW_BENCH_RELEASE_DIR="$target/release"
export REELVIEW_BENCH_LAMBDA_DIR="$target/lambda"
if [ $# -gt 0 ]; then
  cargo bench -p reelview-local --bench benchmarks -- "$@"
else
  cargo bench -p reelview-local --bench benchmarks -- --write
fi
