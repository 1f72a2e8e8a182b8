#!/bin/sh
# Reports and exports at scale (issue 7): seeds N synthetic encounters into a temporary data
# directory with the release binary, then times the service report and each export, with the
# peak resident memory of the owner and of the CLI (GNU time). Usage: benches/report.sh [N]
set -eu
n="${1:-100000}"
bin="${TRIAGE_BIN:-target/release/triage}"
tmp="$(mktemp -d)"
dir="$tmp/data"
pw="benchmark admin password"
trap '"$bin" stop --data-dir "$dir" --user ada --password-stdin >/dev/null 2>&1 <<EOT || true
$pw
EOT
rm -rf "$tmp"' EXIT
run() { printf '%s\n' "$pw" | "$bin" "$@" --data-dir "$dir" --user ada --password-stdin; }
printf '%s\n' "$pw" | "$bin" init --org Bench --province ON --admin ada --password-stdin --insecure-test-kdf --data-dir "$dir" >/dev/null
run stop >/dev/null   # init started a background owner; serve our own in the foreground
# A foreground owner, so its peak memory can be measured.
/usr/bin/time -f "owner peak RSS %M KB" "$bin" serve --data-dir "$dir" 2>"$tmp/owner.time" &
sleep 1
run dev seed --encounters "$n"
for step in "report service --json" "export --format fhir --out $tmp/b.json" "export --format jsonl --out $tmp/r.jsonl" "export --format csv --out $tmp/csv"; do
    # shellcheck disable=SC2086
    /usr/bin/time -f "$step: %e s wall, CLI peak RSS %M KB" sh -c "printf '%s\n' '$pw' | '$bin' $step --data-dir '$dir' --user ada --password-stdin >/dev/null"
done
run stop >/dev/null
wait
cat "$tmp/owner.time"
