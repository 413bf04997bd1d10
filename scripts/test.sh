#!/usr/bin/env bash
# Set up the checkout with test tools (scripts/setup.sh --test), then run the
# test suite against real Graphviz and a real headless chromium. Extra
# arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
exec .venv/bin/python -m pytest -q "$@"
