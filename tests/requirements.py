"""Components some tests need (PostgreSQL, Chromium, Ralph).

On a developer's bare machine such a test is skipped with the reason. When PASSINNOV_CI_STRICT=1 (set by
.ci/run), a missing component fails the test instead: CI never silently skips.
"""

import os
import shutil

import pytest
from django.db import connection

STRICT = os.environ.get("PASSINNOV_CI_STRICT") == "1"
CHROMIUM = os.environ.get("PASSINNOV_CHROMIUM", "/usr/bin/chromium")


def missing(reason):
    if STRICT:
        pytest.fail(f"{reason} (PASSINNOV_CI_STRICT=1: a missing component is a failure)")
    pytest.skip(reason)


def require_postgres():
    if connection.vendor != "postgresql":
        missing("needs PostgreSQL: set DATABASE_URL=postgres://…")


def require_chromium():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        missing(f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
