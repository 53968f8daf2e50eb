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
# The code is also compiled for a fixed address (`-C relocation-model=
# static`; the binary is linked that way already, build.rs): calls between
# its functions are then direct, not through the global offset table. Only
# with `--target`, so that the flag does not reach the proc-macros, which
# must be position-independent.
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
    if ! command -v rustup >/dev/null; then
        echo "pgo: $profdata is missing, and rustup is not here to add llvm-tools" >&2
        exit 1
    fi
    rustup component add llvm-tools
fi

work="$PWD/target/pgo-profile"
rm -rf "$work"
mkdir -p "$work"

codegen="-Crelocation-model=static -Cllvm-args=-align-all-functions=6"
build() { # TARGET_DIR
    cargo build --release --quiet --target "$host" --target-dir "$1"
}

echo "pgo: instrumented build (target/pgo-train)" >&2
RUSTFLAGS="$codegen -Cprofile-generate=$work/raw" build target/pgo-train

echo "pgo: training on tests/ and examples/" >&2
# The training run's verdicts do not matter, only what it executed.
LLVM_PROFILE_FILE="$work/raw/pyl-%p-%m.profraw" \
    "target/pgo-train/$host/release/pyl" test tests examples >"$work/training.log" 2>&1 || true
tail -n 1 "$work/training.log" >&2
"$profdata" merge -o "$work/pyl.profdata" "$work/raw"

echo "pgo: optimised build (target/pgo)" >&2
RUSTFLAGS="$codegen -Cprofile-use=$work/pyl.profdata" build target/pgo
mkdir -p target/pgo/release
cp "target/pgo/$host/release/pyl" target/pgo/release/pyl
echo "target/pgo/release/pyl"
