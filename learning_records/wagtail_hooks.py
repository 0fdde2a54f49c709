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
            try:
                events.viewed(request.user, page.specific)
            except (StatementError, DatabaseError):
                # The learning record must never keep an agent from reading a page; the failure is logged.
                logger.exception("could not record the view of page %s by user %s", page.pk, request.user.pk)
        return response

    return serve_and_record
