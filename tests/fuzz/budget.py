"""How many inputs each fuzz test tries, in CI and on demand.

The normal suite runs a fixed, derandomized sample, so CI runs the same
inputs every time and stays within about a minute. Setting
``ARCHDSL_FUZZ_EXAMPLES`` (``scripts/fuzz.sh`` does) switches every fuzz test
to that many random inputs per test, with a fresh seed on each run.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

#: Inputs per fuzz test in a long run; 0 keeps the CI budget.
LONG_RUN_EXAMPLES = int(os.environ.get("ARCHDSL_FUZZ_EXAMPLES", "0"))

_SLOW_INPUTS_ARE_FINE = [
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.large_base_example,
    HealthCheck.filter_too_much,
]


def budget(ci_examples: int, long_run_share: float = 1.0) -> settings:
    """Return settings that try ``ci_examples`` inputs in CI.

    In a long run the test tries ``long_run_share`` of ``ARCHDSL_FUZZ_EXAMPLES``
    inputs, and never fewer than in CI. Tests that start processes or run
    Graphviz take a small share, because each of their inputs costs a
    hundred times more.
    """
    if LONG_RUN_EXAMPLES:
        return settings(
            max_examples=max(ci_examples, round(LONG_RUN_EXAMPLES * long_run_share)),
            deadline=None,
            suppress_health_check=_SLOW_INPUTS_ARE_FINE,
            print_blob=True,
        )
    return settings(
        max_examples=ci_examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=_SLOW_INPUTS_ARE_FINE,
        print_blob=True,
    )
