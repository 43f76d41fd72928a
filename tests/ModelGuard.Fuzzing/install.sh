#!/usr/bin/env bash
# Installs what the fuzzing campaign needs, idempotently and only what is missing:
#   - AFL++ from Debian's packages (apt-get only when afl-fuzz is not on PATH; `apt-get update` only when the package lists
#     do not know afl++ yet),
#   - the SharpFuzz command-line tool, which instruments ModelGuard.Engine.dll (.config/dotnet-tools.json, `dotnet tool restore`).
# Run by tests/ModelGuard.Fuzzing.Tests before every campaign; safe to run by hand.
# Exit code 3: AFL++ cannot be installed on this machine at all (no apt-get, or neither root nor sudo); the campaign is then
# skipped with this script's reason. Any other failure is a real one and fails the campaign.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v afl-fuzz >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install.sh: afl-fuzz is not on PATH and apt-get is not available (not a Debian-like system); install AFL++ by hand to run the campaign" >&2
    exit 3
  fi

  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1 || ! sudo -n true 2>/dev/null; then
      echo "install.sh: afl-fuzz is not on PATH and installing it needs root or password-less sudo; run 'sudo apt-get install afl++' to run the campaign" >&2
      exit 3
    fi
    sudo="sudo"
  fi

  apt_options=(-o DPkg::Lock::Timeout=300 -o Acquire::Retries=3)
  policy="$(apt-cache policy afl++ 2>/dev/null || true)"
  if ! grep -q 'Candidate: [0-9]' <<<"$policy"; then
    echo "install.sh: apt-get update"
    $sudo apt-get "${apt_options[@]}" update -qq
  fi

  echo "install.sh: apt-get install afl++"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get "${apt_options[@]}" install -y -qq --no-install-recommends afl++ >/dev/null
fi

echo "install.sh: $(afl-fuzz -h 2>&1 | head -n 1 | sed 's/\x1b\[[0-9;]*m//g')"
dotnet tool restore >/dev/null
echo "install.sh: $(dotnet tool list --local | grep -i sharpfuzz | tr -s ' ')"
