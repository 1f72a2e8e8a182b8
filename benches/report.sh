#!/bin/sh
# Reports and exports at scale (issue 7). Seeds N synthetic encounters into a temporary data
# directory with the release binary (one owner, set-up only), then serves it with a fresh owner
# and times the service report (three runs) and each export, with the peak resident memory of
# the CLI (GNU time) and of the owner: its peak after each step (VmHWM) and over its whole life
# (GNU time). Usage: benches/report.sh [N]   (`cargo build --release` first; TRIAGE_BIN chooses
# another binary.)
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
# A release owner accepts the fast test KDF only when told (the owner started by init inherits it).
printf '%s\n' "$pw" | TRIAGE_INSECURE_TEST_KDF=1 "$bin" init --org Bench --province ON --admin ada --password-stdin --insecure-test-kdf --data-dir "$dir" >/dev/null
run stop >/dev/null   # init started a background owner; serve our own in the foreground
# Foreground owners, so their peak memory can be measured; one glibc memory pool, as the
# systemd unit (docs/deployment.md) and the auto-started owner have.
serve() {
    MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-1}" /usr/bin/time -f "$1: owner peak RSS over its life %M KB" "$bin" serve --data-dir "$dir" 2>>"$tmp/owner.time" &
    sleep 1
    owner="$(pgrep -P "$!" | head -n 1)"
}
peak() { echo "owner peak RSS so far: $(awk '/VmHWM/ {print $2, $3}' "/proc/$owner/status") ($1)"; }
serve "seed"
/usr/bin/time -f "dev seed: %e s wall" sh -c "printf '%s\n' '$pw' | '$bin' dev seed --encounters $n --data-dir '$dir' --user ada --password-stdin"
peak "after the seed"
run stop >/dev/null
wait
serve "report and exports"
for step in "report service --json" "report service --json" "report service --json" "export --format fhir --out $tmp/b.json" "export --format jsonl --out $tmp/r.jsonl" "export --format csv --out $tmp/csv"; do
    # shellcheck disable=SC2086
    /usr/bin/time -f "$step: %e s wall, CLI peak RSS %M KB" sh -c "printf '%s\n' '$pw' | '$bin' $step --data-dir '$dir' --user ada --password-stdin >/dev/null"
    peak "after $step"
done
run stop >/dev/null
wait
cat "$tmp/owner.time"
