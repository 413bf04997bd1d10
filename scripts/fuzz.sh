#!/usr/bin/env bash
# Fuzz archdsl for longer than the test suite does: every fuzz test with
# EXAMPLES random inputs (default 20000) and a fresh seed. Inputs that fail
# are copied to fuzz-findings/ (or $ARCHDSL_FUZZ_FINDINGS); keep each one
# with `python -m tests.fuzz.record FILE NAME` once it is fixed. Extra
# arguments go to pytest, e.g. -k generated.
#
#   scripts/fuzz.sh              20000 inputs per in-process test
#   scripts/fuzz.sh 2000 -x      a shorter run that stops at the first failure
set -euo pipefail
cd "$(dirname "$0")/.."
examples=${1:-20000}
shift || true
export ARCHDSL_FUZZ_EXAMPLES=$examples
export ARCHDSL_FUZZ_FINDINGS=${ARCHDSL_FUZZ_FINDINGS:-fuzz-findings}
.venv/bin/python -m pytest -q -p no:cacheprovider \
  tests/fuzz/test_fuzz_inputs.py tests/fuzz/test_fuzz_cli.py \
  --hypothesis-show-statistics "$@"
