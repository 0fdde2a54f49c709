"""Answering while the database is unreachable (a restart, a failover, a network cut).

The driver then raises OperationalError or InterfaceError. Such a request answers **503 with Retry-After**
instead of 500: the DSFR error page for people (`templates/503.html`, rendered without any database access),
the xAPI error format on `/xapi/` (registered by learning_records, see `answer_outage_under`). Nothing acknowledged is lost: a write is only
acknowledged once its transaction has committed, and a request that failed rolled back.

The broken connection is closed here, so the next request opens a new one and the site recovers by itself
(Django would also drop it at the end of the request, `close_old_connections`, but only when it sees it).
"""

import logging

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

DATABASE_OUTAGE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def is_database_outage(exc):
    return isinstance(exc, DATABASE_OUTAGE)


def close_broken_connections():
    """Close every database connection that no longer answers (outside a transaction: an atomic block that
    is unwinding drops its own connection when its rollback fails)."""
    for connection in connections.all(initialized_only=True):
        if connection.connection is None or connection.in_atomic_block:
            continue
        if connection.is_usable():
            continue
        try:
            connection.close()
        except DatabaseError:  # closing a dead connection may fail too; Django forgets it all the same
            logger.info("closing the broken %s connection failed", connection.alias, exc_info=True)


def unavailable_page(request=None):
    """The French DSFR page "service unavailable", with no database access (no request context)."""
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


# Parts of the site that answer an outage in their own format (path prefix -> view), e.g. the xAPI error
# format on /xapi/: each app registers its own in its AppConfig.ready().
RESPONDERS = {}


def answer_outage_under(prefix, responder):
    RESPONDERS[prefix] = responder


def outage_response(request):
    for prefix, responder in RESPONDERS.items():
        if request.path.startswith(prefix):
            return responder(request)
    return unavailable_page(request)
