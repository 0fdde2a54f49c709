"""Wagtail hooks of the learning records."""

import logging

from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.utils import timezone
from wagtail import hooks

from learning_records import events, statements
from learning_records.validation import StatementError

logger = logging.getLogger(__name__)


# The day's `viewed` statement of an agent and a page is known to be stored: later views that day skip the
# look-up. The key holds the day (the statement's name-based id), so it can never hide the next day's view;
# its lifetime only lets the cache forget it.
VIEWED_MARKER_SECONDS = 26 * 3600


def viewed_marker(user, page):
    day = statements.paris_day(timezone.now())
    return f"passinnov:viewed:{statements.viewed_statement_id(user.xapi_account_name, page.xapi_activity_id, day)}"


def records_views(page):
    """Page classes opt in with `XAPI_RECORD_VIEWS = True` (fiches, modules)."""
    page_class = page.specific_class or type(page)
    return bool(getattr(page_class, "XAPI_RECORD_VIEWS", False))


def should_record(page, request, response):
    if request.method != "GET" or getattr(request, "is_preview", False) or response.status_code != 200:
        return False
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated and records_views(page)


# An `on_serve_page` hook, not `before_serve_page`: in Wagtail 8 the view restrictions (password, groups,
# login) are themselves an `on_serve_page` hook, which runs after every `before_serve_page` hook. With
# order=100 this hook is the innermost of the chain: it runs only when the restrictions let the page through,
# and records the view once the page has actually been served (200), never for a password form or an error.
@hooks.register("on_serve_page", order=100)
def record_page_view(serve_page):
    """Record `viewed` (at most once per agent, page and Paris day) for a signed-in user's GET, never in preview."""

    def serve_and_record(page, request, serve_args, serve_kwargs):
        response = serve_page(page, request, serve_args, serve_kwargs)
        if should_record(page, request, response):
            page = page.specific
            marker = viewed_marker(request.user, page)
            if cache.get(marker):
                return response  # recorded today already: no query
            try:
                events.viewed(request.user, page)
            except (StatementError, DatabaseError):
                # The learning record must never keep an agent from reading a page; the failure is logged.
                logger.exception("could not record the view of page %s by user %s", page.pk, request.user.pk)
            else:
                transaction.on_commit(lambda: cache.set(marker, True, VIEWED_MARKER_SECONDS))
        return response

    return serve_and_record
