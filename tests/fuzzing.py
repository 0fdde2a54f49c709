"""Hypothesis settings shared by the property and fuzz tests.

The normal suite runs a bounded number of examples per test; `PASSINNOV_FUZZ_EXAMPLES=5000` (see
docs/developing.md, "Property and fuzz tests") runs many more, e.g. before a release.
"""

import os

from hypothesis import HealthCheck, settings


def examples(default):
    """How many examples a property test runs: `default` in the normal suite, else PASSINNOV_FUZZ_EXAMPLES."""
    return int(os.environ.get("PASSINNOV_FUZZ_EXAMPLES") or default)


def database_settings(default):
    """Settings for tests whose examples each run in a rolled-back transaction of the test database."""
    return settings(
        max_examples=examples(default),
        deadline=None,
        derandomize=not os.environ.get("PASSINNOV_FUZZ_EXAMPLES"),
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )
