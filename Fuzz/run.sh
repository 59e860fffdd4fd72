#!/usr/bin/env bash
# Runs one fuzz target under libFuzzer and AddressSanitizer for a bounded time:
#   Fuzz/run.sh TARGET SECONDS [libFuzzer options...]
#   Fuzz/run.sh --all SECONDS        every target, one after the other
# The seed corpus Fuzz/Corpus/TARGET is copied into .build-fuzz/corpus/TARGET, which grows across runs (the
# committed seeds stay small); a crash, leak or timeout input lands in .build-fuzz/crashes/TARGET and the
# script exits 1 after printing how to replay it. Fuzz/README.md explains the targets.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ "$#" -lt 2 ]; then
    echo "usage: Fuzz/run.sh TARGET|--all SECONDS [libFuzzer options...]" >&2
    exit 2
fi
target="$1"
seconds="$2"
shift 2
case "$seconds" in ''|*[!0-9]*) echo "SECONDS must be a whole number, got '$seconds'" >&2; exit 2 ;; esac

scratch="$root/.build-fuzz"
# NACOS_FUZZ=1 makes Package.swift build every target but the build tools for libFuzzer and ASan.
NACOS_FUZZ=1 swift build --scratch-path "$scratch" --product nacos-fuzz >&2
binary="$(NACOS_FUZZ=1 swift build --scratch-path "$scratch" --product nacos-fuzz --show-bin-path)/nacos-fuzz"

# The plain replayer lists the targets (the libFuzzer binary has no such option).
swift build --product nacos-fuzz >&2
targets="$("$root/.build/debug/nacos-fuzz" --list)"
if [ "$target" = "--all" ]; then
    status=0
    for each in $targets; do "$0" "$each" "$seconds" "$@" || status=1; done
    exit "$status"
fi
if ! grep -qx "$target" <<<"$targets"; then
    echo "unknown target '$target'; targets: $(echo $targets)" >&2
    exit 2
fi

corpus="$scratch/corpus/$target"
crashes="$scratch/crashes/$target"
mkdir -p "$corpus" "$crashes"
cp -n "$root/Fuzz/Corpus/$target"/* "$corpus"/ 2>/dev/null || true
options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1
         -artifact_prefix="$crashes/")
dictionary="$root/Fuzz/Dictionaries/$target.dict"
[ -f "$dictionary" ] && options+=(-dict="$dictionary")
log="$scratch/$target.log"
echo "fuzzing $target for ${seconds}s (corpus $corpus, log $log)" >&2
set +e
ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}" NACOS_FUZZ_TARGET="$target" \
    "$binary" "${options[@]}" "$@" "$corpus" >"$log" 2>&1
status=$?
set -e
runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
if [ "$status" -ne 0 ]; then
    tail -40 "$log" >&2
    echo "FAILED: $target after $runs executions; inputs in $crashes. Replay one with:" >&2
    echo "  NACOS_FUZZ_TARGET=$target $binary $crashes/<file>" >&2
    exit 1
fi
echo "$target: $runs executions in ${seconds}s, no crash"
