#!/usr/bin/env bash
# Builds pyl with profile-guided optimisation, as CPython's release builds
# are (Debian's python3.11, the benchmarks' reference, is one), into
# target/pgo/release/pyl.
#
# The profile is what the golden cases and the examples run (tests/ and
# examples/, under `pyl test`), never the benchmarks, so that the build is
# not tuned to the very scripts it is measured on. It takes about three
# minutes: an instrumented build, the training run, the final build.
#
# Needs llvm-profdata of rustc's own LLVM: rustup's llvm-tools component,
# added when missing.
#
# Usage: bench/pgo.sh        then: python3 bench/run.py --pyl target/pgo/release/pyl
set -euo pipefail
cd "$(dirname "$0")/.."

host="$(rustc -vV | sed -n 's/^host: //p')"
profdata="$(rustc --print sysroot)/lib/rustlib/$host/bin/llvm-profdata"
if [ ! -x "$profdata" ]; then
    rustup component add llvm-tools
fi

work="$PWD/target/pgo-profile"
rm -rf "$work"
mkdir -p "$work"

echo "pgo: instrumented build (target/pgo-train)" >&2
RUSTFLAGS="-Cprofile-generate=$work/raw" \
    cargo build --release --quiet --target-dir target/pgo-train
# What the build itself ran (build scripts) is not part of the profile.
rm -rf "$work/raw"

echo "pgo: training on tests/ and examples/" >&2
# The training run's verdicts do not matter, only what it executed.
LLVM_PROFILE_FILE="$work/raw/pyl-%p-%m.profraw" \
    target/pgo-train/release/pyl test tests examples >"$work/training.log" 2>&1 || true
tail -n 1 "$work/training.log" >&2
"$profdata" merge -o "$work/pyl.profdata" "$work/raw"

echo "pgo: optimised build (target/pgo)" >&2
RUSTFLAGS="-Cprofile-use=$work/pyl.profdata" \
    cargo build --release --quiet --target-dir target/pgo
echo "target/pgo/release/pyl"
