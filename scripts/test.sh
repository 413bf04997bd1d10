#!/usr/bin/env bash
# Set up the checkout with test tools (scripts/setup.sh --test), run the test
# suite against real Graphviz and a real headless chromium, then verify that
# the committed design documents match the examples. Extra arguments go to
# pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
.venv/bin/python -m pytest -q "$@"
.venv/bin/archdsl docs examples/*.arch -o docs/designs/ --check
