#!/usr/bin/env bash
# ./build.sh demo: two rollouts of Bookinfo's reviews service through a throwaway GitOps repository.
#
#   1. a bare git repository on disk, seeded from examples/bookinfo (intervals shortened for a demo);
#   2. graystep-sandbox, a SIMULATED cluster + Istio + Argo CD that follows that repository;
#   3. a real Prometheus on 127.0.0.1 (a free port, its own temporary TSDB) scraping the sandbox every second;
#   4. graystep run: reviews v2 (healthy) is promoted, then v3 (10% errors) is rolled back;
#   5. graystep history: the timeline, rebuilt from git log.
#
# Everything it starts is stopped on exit, including Ctrl-C. A Prometheus already running on this machine (Debian's
# package starts one on :9090) is never used or touched. build/Program.cs runs this after `deps` and `publish`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
graystep="$root/artifacts/graystep/graystep"
sandbox="$root/artifacts/sandbox/graystep-sandbox"
prometheus="${GRAYSTEP_PROMETHEUS_BINARY:-$(command -v prometheus || echo /usr/bin/prometheus)}"
budget=170          # seconds; the whole demo stays under 3 minutes
started_at=$SECONDS

for tool in "$graystep" "$sandbox"; do
  [[ -x "$tool" ]] || { echo "error: $tool is missing; run ./build.sh publish" >&2; exit 1; }
done
[[ -x "$prometheus" ]] || { echo "error: prometheus not found; run ./build.sh deps (Debian: apt-get install prometheus)" >&2; exit 1; }
command -v git >/dev/null || { echo "error: git is missing (Debian: apt-get install git)" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/graystep-demo.XXXXXX")"
pids=()

cleanup() {
  local code=$?
  trap - EXIT INT TERM
  [[ -n "${graystep_pid:-}" ]] && pids=("$graystep_pid" "${pids[@]}")
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
  exit "$code"
}
trap cleanup EXIT
trap 'echo; echo "interrupted: stopping the sandbox and Prometheus"; exit 130' INT
trap 'exit 143' TERM

if [[ -t 1 ]]; then bold=$'\033[1m' plain=$'\033[0m'; else bold="" plain=""; fi
say() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
elapsed() { echo $((SECONDS - started_at)); }
left() { echo $((budget - (SECONDS - started_at))); }

# A GET over bash's /dev/tcp, so the demo needs neither curl nor wget. Prints the body; fails unless HTTP 200.
http_get() {
  local port=$1 path=$2 response
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$path" >&3
  response="$(cat <&3)"
  exec 3<&-
  [[ "$response" == "HTTP/1."?" 200"* ]] || return 1
  printf '%s\n' "${response#*$'\r\n\r\n'}"
}

# Waits (bounded) until a command succeeds, printing a dot every second so nobody wonders whether it hangs.
wait_for() {
  local what=$1 seconds=$2; shift 2
  printf '   waiting for %s' "$what"
  for tick in $(seq "$((seconds * 4))"); do
    if "$@" >/dev/null 2>&1; then printf ' ok\n'; return 0; fi
    sleep 0.25
    (( tick % 4 )) || printf '.'
  done
  printf ' gave up after %ss\n' "$seconds"
  return 1
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- 1. the GitOps repository -------------------------------------------------------------------------------------
say "1/5 a throwaway GitOps repository from examples/bookinfo"
git_quiet() { git -c init.defaultBranch=main -c user.name=demo -c user.email=demo@graystep.local "$@" >/dev/null; }
git_quiet init --bare -b main "$work/remote.git"
git_quiet init -b main "$work/seed"
cp -R "$root/examples/bookinfo/." "$work/seed/"
rm -rf "$work/seed/rendered"
# Minutes become seconds for the demo; the sync gate asks the sandbox's Argo CD API (GRAYSTEP_KUBE_API below).
sed -i -E \
  -e 's/^(    interval:) .*/\1 3s/' \
  -e 's/^(        interval:) .*/\1 5s/' \
  -e 's/^(    threshold: .*)$/\1\n    scaleDownDelay: 3s   # the version that lost its traffic runs on until the proxies have the new routes/' \
  "$work/seed/rollout.yaml"
sed -i -E '/^  sync:/,$d' "$work/seed/rollout.yaml"
printf '  sync:\n    kind: argocd   # Graystep reads the Application the sandbox serves, as it would read Argo CD\n' >>"$work/seed/rollout.yaml"
git_quiet -C "$work/seed" add -A
git_quiet -C "$work/seed" commit -q -m "bookinfo: the reviews service and its rollout spec"
git_quiet -C "$work/seed" push -q "$work/remote.git" main
echo "   $work/remote.git (bare), spec rollout.yaml: interval 3s, metric windows 5s, threshold 5, steps 10/20/50%, scaleDownDelay 3s"

# --- 2. the sandbox -----------------------------------------------------------------------------------------------
say "2/5 graystep-sandbox: a SIMULATED cluster + Istio + Argo CD following the repository"
cat >"$work/behaviour.yaml" <<'EOF'
# v3 answers 10% of its requests with HTTP 500; every other version is healthy.
versions:
  v3: {errorRate: "10%", errorStatus: 500}
EOF
"$sandbox" --repo "$work/remote.git" --branch main --sync-delay 1s --proxy-delay 2s --poll 250ms --rps 200 \
  --behaviour "$work/behaviour.yaml" --seed 7 --port 0 >"$work/sandbox.out" 2>"$work/sandbox.err" &
pids+=($!)
sandbox_line() { grep -m1 -oE 'http://127\.0\.0\.1:[0-9]+' "$work/sandbox.out"; }
wait_for "the sandbox to listen" 30 sandbox_line || { cat "$work/sandbox.err" >&2; exit 1; }
sandbox_url="$(sandbox_line)"
sandbox_port="${sandbox_url##*:}"
wait_for "the sandbox to read the branch" 30 http_get "$sandbox_port" /-/ready || { cat "$work/sandbox.err" >&2; exit 1; }
echo "   $sandbox_url: syncs each commit 1s after it lands; routes reach its proxies 2s later; 200 simulated user requests/s; v3 fails 10%"

# --- 3. Prometheus ------------------------------------------------------------------------------------------------
say "3/5 a real Prometheus on 127.0.0.1, scraping the sandbox every second"
cat >"$work/prometheus.yml" <<EOF
global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: sandbox
    honor_labels: true
    static_configs: [{targets: ['127.0.0.1:$sandbox_port']}]
EOF
prometheus_port=""
for attempt in 1 2 3 4 5; do
  candidate=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
  port_free "$candidate" || continue
  mkdir -p "$work/tsdb"
  "$prometheus" --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
    --web.listen-address="127.0.0.1:$candidate" --storage.tsdb.retention.time=1h --log.level=warn \
    >"$work/prometheus.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  if wait_for "Prometheus on :$candidate" 30 http_get "$candidate" /-/ready; then
    prometheus_port=$candidate
    break
  fi
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset 'pids[-1]'
  grep -q "address already in use" "$work/prometheus.log" || { cat "$work/prometheus.log" >&2; exit 1; }
done
[[ -n "$prometheus_port" ]] || { echo "error: could not start Prometheus on a free port" >&2; exit 1; }
scraped() { http_get "$prometheus_port" '/api/v1/query?query=up%3D%3D1' | grep -q '"value"'; }
wait_for "the first scrape of the sandbox" 30 scraped
prometheus_url="http://127.0.0.1:$prometheus_port"

export GRAYSTEP_WORKSPACE="$work/workspaces"   # graystep's managed clones
export GRAYSTEP_KUBE_API="$sandbox_url"        # where sync.kind argocd reads the Application
# graystep runs in the background and the script waits for it, so a Ctrl-C or a SIGTERM (a cancelled CI job) is
# handled at once instead of after the rollout; the cleanup then stops graystep first.
graystep_pid=""
run_graystep() {
  local code=0
  (cd "$work" && exec "$graystep" "$@" --repo "$work/remote.git" --prometheus "$prometheus_url") &
  graystep_pid=$!
  wait "$graystep_pid" || code=$?
  graystep_pid=""
  return "$code"
}

# --- 4. two rollouts ----------------------------------------------------------------------------------------------
say "4/5 reviews v2 (healthy): canary 10% -> 20% -> 50%, analysed by Prometheus at every step"
set +e
run_graystep run rollout.yaml --version v2 --image reviews=docker.io/istio/examples-bookinfo-reviews-v2:1.20.1 \
  --timeout "$(( $(left) / 2 ))s"
v2=$?
set -e
[[ $v2 -eq 0 ]] || { echo "error: v2 should have been promoted (exit 0), graystep exited $v2" >&2; exit 1; }
echo "   -> v2 promoted (exit 0) after $(elapsed)s"

say "4/5 reviews v3 (10% of requests fail): rolled back by the analysis"
set +e
run_graystep run rollout.yaml --version v3 --image reviews=docker.io/istio/examples-bookinfo-reviews-v3:1.20.1 \
  --timeout "$(( $(left) - 10 ))s"
v3=$?
set -e
[[ $v3 -eq 4 ]] || { echo "error: v3 should have been rolled back (exit 4), graystep exited $v3" >&2; exit 1; }
echo "   -> v3 rolled back (exit 4) after $(elapsed)s"

# --- 5. the history -----------------------------------------------------------------------------------------------
say "5/5 graystep history: every traffic change is a commit"
run_graystep history rollout.yaml
echo
echo "git log of the GitOps repository:"
git -C "$work/remote.git" log --format='  %h %s' main

# What the simulated users saw: v3's counters in the sandbox, before and after the rollback commit was applied.
rollback="$(git -C "$work/remote.git" log -1 --format=%H --grep='^Graystep-Action: rollback$' main)"
echo
applied() { http_get "$sandbox_port" /sandbox/state | grep -q "\"appliedRevision\": \"$rollback\""; }
if wait_for "the sandbox to apply the rollback ${rollback:0:7}" 30 applied; then
  sleep 3   # let the simulated users keep coming for a moment
  read -r total after < <(http_get "$sandbox_port" /sandbox/state | awk -v v="v3" -v sha="$rollback" '
    /"version": "/ { mine = index($0, "\"version\": \"" v "\"") > 0; total_next = 0; sha_next = 0 }
    mine && /"total": \{/ { total_next = 1 }
    mine && total_next && /"requests":/ { gsub(/[^0-9]/, ""); total = $0; total_next = 0 }
    mine && index($0, "\"" sha "\": {") { sha_next = 1 }
    mine && sha_next && /"requests":/ { gsub(/[^0-9]/, ""); after = $0; sha_next = 0 }
    END { print total + 0, after + 0 }') || true
  echo
  if [[ -n "${total:-}" && -n "${after:-}" ]]; then
    echo "sandbox counters: $((total - after)) simulated user requests reached v3 while it was a canary; $after more after the rollback was applied, while the proxies still had the old routes (--proxy-delay 2s; v3 still ran, so each was served)."
  fi
  stale="$(http_get "$sandbox_port" /sandbox/state | awk '
    /"total": \{/ { in_total = 1 }
    in_total && /"stale":/ { gsub(/[^0-9]/, ""); n += $0; in_total = 0 }
    END { print n + 0 }')" || true
  echo "requests that stale proxies sent to a removed version: ${stale:-?} (each version was retired only after scaleDownDelay)"
fi
echo
echo "done in $(elapsed)s; stopping the sandbox and Prometheus."
