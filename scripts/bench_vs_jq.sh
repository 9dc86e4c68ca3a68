#!/usr/bin/env bash
# Times `jq` selecting one eventName and `airc inspect` over the same CloudTrail log files and
# prints the ratio. Usage: scripts/bench_vs_jq.sh [DIR] [EVENTS]
# DIR defaults to a fresh corpus of EVENTS (default 800000) events written by `airc bench corpus`.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-}
events=${2:-800000}
command -v jq >/dev/null || { echo "jq is not installed (apt-get install jq)"; exit 1; }
cargo build --release --quiet --bin airc
if [ -z "$dir" ]; then
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
  ./target/release/airc bench corpus "$dir" "$events" --plain
fi
bytes=$(du -sb "$dir" | cut -f1)
# Warm the page cache so both read from memory.
cat $(find "$dir" -name '*.json*') > /dev/null
t0=$(date +%s.%N)
find "$dir" -name '*.json' -print0 | xargs -0 jq -c '.Records[] | select(.eventName == "ConsoleLogin")' > /dev/null
t1=$(date +%s.%N)
./target/release/airc inspect "$dir" > /dev/null
t2=$(date +%s.%N)
python3 - "$t0" "$t1" "$t2" "$bytes" <<'PY'
import sys
t0, t1, t2, b = map(float, sys.argv[1:])
jq, airc = t1 - t0, t2 - t1
print(f"{b/1e6:.0f} MB of JSON: jq {jq:.2f} s ({b/1e6/jq:.0f} MB/s), airc inspect {airc:.2f} s ({b/1e6/airc:.0f} MB/s), ratio {jq/airc:.2f}x")
PY
