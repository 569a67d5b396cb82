#!/usr/bin/env bash
# Creates .venv-bench with the Python reference libraries the benchmarks and the
# fixture-generating scripts compare against. The product and its tests never need it.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=.venv-bench/.requirements.sha
want=$(sha256sum bench/requirements.txt | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
python3 -m venv .venv-bench
.venv-bench/bin/pip install --quiet --upgrade pip
.venv-bench/bin/pip install --quiet -r bench/requirements.txt
echo "$want" > "$stamp"
