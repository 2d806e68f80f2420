#!/usr/bin/env bash
# CPU the visualizer uses while nothing happens (issue 16: at most 5% of a core):
# a relay with no traffic, the visualizer's window connected to its mirror under
# Xvfb; after 3 s to settle, utime+stime from /proc/PID/stat over 10 s.
# Then the same with `--demo` chatting (frames drawn for each event).
#   bench/visualizer/idle_cpu.sh [BUILD_DIR]   (default build/release)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build/release}
viz=$(realpath "$build/visualizer/wirelab-visualizer")
relay=$(realpath "$build/relay/wirelab-relay")
tmp=$(mktemp -d)
cleanup() { if [ -n "${relay_pid:-}" ]; then kill "$relay_pid" 2>/dev/null || true; fi; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

measure() {   # $1: label, rest: relay flags
  local label=$1; shift
  "$relay" --port 0 --mirror-port 0 "$@" >"$tmp/relay.out" 2>/dev/null &
  relay_pid=$!
  for _ in $(seq 100); do grep -q '/mirror' "$tmp/relay.out" && break; sleep 0.1; done
  local url
  url=$(grep -o 'ws://127.0.0.1:[0-9]*/mirror' "$tmp/relay.out")
  ASAN_OPTIONS=detect_leaks=0 xvfb-run -a -s "-screen 0 1920x1080x24" \
    sh -c "'$viz' --connect '$url' --exit-after 15 >'$tmp/viz.out' & echo \$! >'$tmp/viz.pid'; wait" &
  local runner=$!
  for _ in $(seq 100); do [ -s "$tmp/viz.pid" ] && break; sleep 0.1; done
  local pid
  pid=$(cat "$tmp/viz.pid")
  sleep 3
  local a b
  a=$(cpu_ticks "$pid"); sleep 10; b=$(cpu_ticks "$pid")
  wait "$runner" || true
  kill "$relay_pid"; wait "$relay_pid" 2>/dev/null || true; relay_pid=
  rm -f "$tmp/viz.pid"
  awk -v l="$label" -v d=$((b - a)) -v t="$ticks" 'BEGIN { printf "%s: %.1f%% of a core over 10 s\n", l, 100 * d / t / 10 }'
  cat "$tmp/viz.out"
}
measure "idle relay (nothing happening)"
measure "demo chatting" --demo --demo-wait 0
