#!/bin/sh
# Installs the reference reader (@huggingface/gguf from npm) next to record.mjs. Only needed to re-record the table.
set -eu
cd "$(dirname "$0")"
npm install --no-audit --no-fund --ignore-scripts
