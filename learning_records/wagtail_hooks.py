"""Wagtail hooks of the learning records."""

import logging

from django.db import DatabaseError
from wagtail import hooks

from learning_records import events
from learning_records.validation import StatementError

logger = logging.getLogger(__name__)


def records_views(page):
    """Page classes opt in with `XAPI_RECORD_VIEWS = True` (fiches, modules)."""
    page_class = page.specific_class or type(page)
    return bool(getattr(page_class, "XAPI_RECORD_VIEWS", False))


# order=100: after Wagtail's own before_serve_page hooks (view restrictions answer first, so a page the user
# may not see is never recorded as viewed).
@hooks.register("before_serve_page", order=100)
def record_page_view(page, request, serve_args, serve_kwargs):
    """Record `viewed` (at most once per agent, page and Paris day) for a signed-in user's GET, never in preview."""
    if request.method != "GET" or getattr(request, "is_preview", False):
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not records_views(page):
        return None
    try:
        events.viewed(user, page.specific)
    except (StatementError, DatabaseError):
        # The learning record must never keep an agent from reading a page; the failure is logged loudly.
        logger.exception("could not record the view of page %s by user %s", page.pk, user.pk)
    return None
