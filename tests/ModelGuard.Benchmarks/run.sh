#!/usr/bin/env bash
# Reproduces docs/benchmarks.md: generates the inputs under artifacts/benchmarks/ (sparse files: about 0.6 GB of disk for
# 14 GB of content), prints the pass/fail table against the targets of issue #6, then runs the BenchmarkDotNet suite.
#   tests/ModelGuard.Benchmarks/run.sh              # everything (--all): about 5 minutes on 2 cores
#   tests/ModelGuard.Benchmarks/run.sh --check      # only the target table (about 3 minutes; --skip-build: about 2)
#   tests/ModelGuard.Benchmarks/run.sh --quick      # smoke run on 1/16-size inputs (not the targets)
set -euo pipefail
cd "$(dirname "$0")/../.."
args=("$@")
if [ ${#args[@]} -eq 0 ]; then
  args=(--all)
fi
dotnet build tests/ModelGuard.Benchmarks -c Release --nologo -v:q
exec dotnet tests/ModelGuard.Benchmarks/bin/Release/net10.0/ModelGuard.Benchmarks.dll "${args[@]}"
