#!/usr/bin/env bash
# The modelguard tool's start-up (issue #13: "a scan of one small file takes little more than process start"), as a user runs it:
# packs ModelGuard.Cli twice (with and without its ReadyToRun assets), installs each with `dotnet tool install --tool-path`, then
# times, interleaved, `modelguard --version` (process start) and `modelguard scan <1 KB checkpoint> -q` with both installs.
# Prints the median wall and CPU (user + sys) seconds of each; docs/benchmarks.md records a run.
#   tests/ModelGuard.Benchmarks/tool-startup.sh [ROUNDS]      # default 21 rounds; about 2 minutes of packing first
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-21}
work=artifacts/benchmarks/tool-startup
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
model=$PWD/samples/HelloModels/models/benign.pt

for flavour in il readytorun; do
  r2r=true
  [ "$flavour" = il ] && r2r=false
  dotnet pack src/ModelGuard.Cli -c Release --nologo -v:q -o "$work/feed-$flavour" -p:Version=0.0.0-$flavour \
    -p:ModelGuardReadyToRun=$r2r --artifacts-path "$work/artifacts-$flavour" -nodeReuse:false >/dev/null
  NUGET_PACKAGES="$work/packages" dotnet tool install ModelGuard.Cli --tool-path "$work/$flavour" \
    --add-source "$work/feed-$flavour" --version 0.0.0-$flavour >/dev/null
done

measure() { # label command...: appends "label wall cpu" to the samples file
  local label=$1
  shift
  /usr/bin/time -f "$label %e %U %S" -a -o "$work/samples.txt" "$@" >/dev/null 2>&1 || true
}

for _ in $(seq "$rounds"); do
  for flavour in il readytorun; do
    measure "$flavour:--version" "$work/$flavour/modelguard" --version
    measure "$flavour:scan" "$work/$flavour/modelguard" scan "$model" -q
  done
done

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(dotnet --list-runtimes | grep NETCore.App | tail -1)"
echo "command (median of $rounds)        wall s   cpu s"
awk '{ wall[$1] = wall[$1] " " $2; cpu[$1] = cpu[$1] " " ($3 + $4) }
     function median(list,   n, a, i, j, t) {
       n = split(list, a, " ")
       for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
       return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
     }
     END { for (k in wall) printf "%-32s %6.3f  %6.3f\n", k, median(wall[k]), median(cpu[k]) }' "$work/samples.txt" | sort
