"""Hypothesis settings shared by the property and fuzz tests, and the hostile values the form fuzz sends.

The normal suite runs a bounded number of examples per test; `PASSINNOV_FUZZ_EXAMPLES=5000` (see
docs/developing.md, "Property and fuzz tests") runs many more, e.g. before a release.
"""

import os
from datetime import date

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st


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


# Values that broke, or could break, a form somewhere: limits of dates and integers, NUL, markup, long text.
EDGE_VALUES = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "5",
    "6",
    "01",
    "1.5",
    "1e309",
    "NaN",
    "inf",
    str(2**31),
    str(2**63),
    str(-(2**63) - 1),
    str(10**40),
    "9999-12-31",
    "10000-01-01",
    "0001-01-01",
    "0000-00-00",
    "2026-02-30",
    "2026-13-01",
    "31/12/9999",
    "\x00",
    "a\x00b",
    "%00",
    "\ud7ff\ufeff",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "present",
    "absent",
    "registered",
    "on",
    "true",
    "Ω" * 5000,
    "x" * 100_000,
]


DATE_EDGES = ["9999-12-31", "9999-12-30", "0001-01-01", "0001-01-02", "1899-12-31", "2100-01-01", "2026-02-29"]


def hostile_text():
    """Any text a browser could send, favouring the edges above."""
    return st.one_of(
        st.sampled_from(EDGE_VALUES),
        st.text(max_size=200),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    )


def hostile_date():
    """A date field's value: mostly dates, the calendar's ends often, anything else sometimes."""
    return st.one_of(
        st.sampled_from(DATE_EDGES),
        st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
        hostile_text(),
    )


def hostile_form(fields, multiple=(), dates=(), extra=True):
    """Form data for `fields` (each present or absent), with lists for `multiple` fields, dates for `dates`,
    and maybe a stray field."""
    values = {}
    for name in fields:
        value = hostile_date() if name in dates else hostile_text()
        values[name] = st.lists(value, max_size=4) if name in multiple else value
    data = st.fixed_dictionaries({}, optional=values)
    if extra:
        data = st.tuples(
            data, st.dictionaries(st.sampled_from(["id", "pk", "user", "status", "csrf"]), hostile_text(), max_size=2)
        ).map(lambda pair: pair[1] | pair[0])
    return data
