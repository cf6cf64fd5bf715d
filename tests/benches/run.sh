#!/usr/bin/env bash
# `make bench`: builds what BENCHMARKS.md measures, then measures it and writes the numbers
# between the markers of BENCHMARKS.md (tests/benches/main.rs says what each part does).
# Arguments go to the benchmarks: part names (functions, calls, warm, reminders) to run and
# print only those. Takes a while: two release builds of every function (x86_64 and arm64),
# each on its own.
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
# Every deployed function (the manifest, shared/src/functions.rs) and the floor.
functions=$(grep -o 'name: "reelview-[a-z-]*"' shared/src/functions.rs | cut -d'"' -f2)

# Some parts only: printed, BENCHMARKS.md keeps the full run. Only `functions` needs the
# release binaries.
if [ $# -gt 0 ] && [[ " $* " != *" functions "* ]]; then
  say "measuring: $*"
  exec cargo bench -p reelview-local --bench benchmarks -- "$@"
fi

# One cargo invocation per function, as `sam build` runs one per function: cargo unifies the
# features of the packages built together, so building them all at once would give every
# function the adapters of all of them and measure binaries nobody deploys.
say "release build, x86_64 (the binaries the benchmarks start)"
for name in $functions reelview-floor; do
  cargo build --release --quiet -p "$name"
done

say "release build, arm64 (cargo-lambda, as sam build does)"
# Stale arm64 binaries must not pass for this run's: the bench reports what is there.
for name in $functions reelview-floor; do rm -rf "$target/lambda/$name"; done
arm64=yes
if ! rustup target add aarch64-unknown-linux-gnu >/dev/null 2>&1; then arm64=no; fi
# In the function's own directory, as `sam build` does (the template's CodeUri): from the
# workspace root, `--bin` alone would resolve the features of every member.
member_dir() {
  if [ "$1" = reelview-floor ]; then echo tests/benches/floor; else echo "functions/${1#reelview-}"; fi
}
for name in $functions reelview-floor; do
  [ "$arm64" = yes ] || break
  if ! (cd "$(member_dir "$name")" \
    && PATH="$OLDPWD/.venv/bin:$PATH" cargo lambda build --release --arm64 --quiet --bin "$name"); then
    arm64=no
  fi
done
if [ "$arm64" = yes ]; then
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
