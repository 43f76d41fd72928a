#!/usr/bin/env bash
# Installs sigstore-js's verifier (used only to record reference verdicts; the tests replay the committed table, no Node needed).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
prefix="${SIGSTORE_JS_PREFIX:-/tmp/modelguard-sigstore-js}"
mkdir -p "$prefix"
npm install --prefix "$prefix" --no-audit --no-fund --no-save \
  @sigstore/verify@4.1.3 @sigstore/bundle@5.0.1 @sigstore/core@4.0.1 @sigstore/protobuf-specs@0.5.2
echo "installed into $prefix; now run: NODE_PATH=$prefix/node_modules node $here/record.mjs"
