#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/<target>/, cargo-fuzz's
# default) with the project's Python programs: tests/**/*.pyl and
# examples/*.pyl. Existing corpus files are kept. Usage: fuzz/seed.sh [TARGET...]
set -euo pipefail
fuzz_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$fuzz_dir")"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(compile run)
for target in "${targets[@]}"; do
    corpus="$fuzz_dir/corpus/$target"
    mkdir -p "$corpus"
    count=0
    while IFS= read -r -d '' file; do
        relative="${file#"$root"/}"
        # tests/lang/x.pyl -> seed-tests-lang-x.pyl: one flat directory.
        cp "$file" "$corpus/seed-${relative//\//-}"
        count=$((count + 1))
    done < <(find "$root/tests" "$root/examples" -name '*.pyl' -type f -print0 | sort -z)
    echo "seeded $corpus with $count files ($(find "$corpus" -type f | wc -l) in all)"
done
