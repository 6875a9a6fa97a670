#!/bin/sh
# Fuzz omnilint's check and fix for SECONDS (default 60) with atheris (libFuzzer).
#   fuzz/run.sh 600                 # ten minutes
#   OMNILINT_FUZZ_DIR=dir           # where the corpus and crashes go (default: $TMPDIR/omnilint-fuzz)
#   OMNILINT_FUZZ_FORMAT=1          # also fuzz the mdformat rule (FMT005; much slower)
#   OMNILINT_FUZZ_KEEP_GOING=1      # record every kind of failure in $OMNILINT_FUZZ_DIR/found/ and go on
#   PYTHON=/path/to/python          # an interpreter with omnilint and atheris installed
#   OMNILINT_FUZZ_SLOW=2            # CPU seconds after which an input is recorded as slow
#   OMNILINT_FUZZ_TIMEOUT=30        # seconds after which libFuzzer stops on a hung input
# An input that broke a promise lands in $OMNILINT_FUZZ_DIR/crashes/ (crash-*, timeout-*, oom-*)
# and stops the run (unless KEEP_GOING); replay one with: $PYTHON fuzz/fuzz_omnilint.py FILE
set -eu
seconds=${1:-60}
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}
work=${OMNILINT_FUZZ_DIR:-${TMPDIR:-/tmp}/omnilint-fuzz}
mkdir -p "$work/corpus" "$work/crashes"
if [ -z "$(ls -A "$work/corpus")" ]; then
    (cd "$here/.." && "$python" "$here/seed_corpus.py" "$work/corpus")
fi
cd "$here/.."
export OMNILINT_FUZZ_FOUND="$work/found"
exec "$python" "$here/fuzz_omnilint.py" "$work/corpus" \
    -max_total_time="$seconds" -timeout="${OMNILINT_FUZZ_TIMEOUT:-30}" -rss_limit_mb=3072 -max_len=16384 \
    -artifact_prefix="$work/crashes/" -print_final_stats=1
