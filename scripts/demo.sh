#!/usr/bin/env bash
# The main job on the bundled defaults: serve the docs snapshot, crawl and index it,
# triage the sample mailbox, print what was decided.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/triage demo "$@"
