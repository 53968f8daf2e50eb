#!/usr/bin/env bash
# A short, bounded fuzz run for CI: installs cargo-fuzz if missing, seeds the
# corpora from tests/ and examples/, builds the targets and runs each for
# SECONDS (default 60). Fails (exit 1) if any target finds a crash, a panic,
# a stack overflow, a timeout (-timeout) or an out-of-memory (-rss_limit_mb);
# the input is then in fuzz/artifacts/<target>/.
#
# Usage: fuzz/ci.sh [SECONDS] [TARGET...]
set -euo pipefail
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(compile run)

fuzz_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$fuzz_dir"
# cargo-fuzz passes nightly-only flags (-Zsanitizer and friends) to rustc.
export RUSTC_BOOTSTRAP=1
export PATH="$HOME/.cargo/bin:$PATH"

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
./seed.sh "${targets[@]}"
# -s none: no sanitizer. What we look for (panics, stack overflows, hangs)
# needs none, and AddressSanitizer both slows the targets several times and
# enlarges stack frames, so that stack depth would not match the real binary.
cargo fuzz build -s none
bin_dir="target/$(rustc -vV | sed -n 's/^host: //p')/release"
status=0
for target in "${targets[@]}"; do
    echo "=== fuzzing $target for ${seconds}s"
    mkdir -p "artifacts/$target"
    # The fuzzer is run directly rather than by `cargo fuzz run`: on a
    # finding, cargo-fuzz re-runs the input to show it, without our
    # -timeout (libFuzzer's default is 20 minutes), and a timeout input
    # can run for hours.
    # -close_fd_mask=3: the programs' stdout and stderr go nowhere
    # (libFuzzer keeps its own report). Standard input is /dev/null.
    if ! "$bin_dir/$target" "corpus/$target" -artifact_prefix="artifacts/$target/" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
        -dict=python.dict -close_fd_mask=3 </dev/null; then
        echo "=== $target: FOUND A CRASH, see fuzz/artifacts/$target/" >&2
        status=1
    fi
done
exit $status
