"""Side effects that follow a commit (emails…): they run once the transaction is committed, never for a change
that is rolled back, and a failure (a mail server outage) is logged without breaking what already committed."""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def after_commit(func, *args):
    def run():
        try:
            func(*args)
        except Exception:
            logger.exception("Could not run %s after commit", getattr(func, "__name__", func))

    transaction.on_commit(run)
