"""Push delivery of the statement log to external LRS (see docs/lrs-delivery.md).

The store is an ordered log (`Statement.stored` is unique and strictly increasing), so each endpoint keeps a
cursor: the (`stored`, `id`) of the last statement it acknowledged. A pass sends what follows the cursor,
in batches, and moves the cursor only after the LRS answered 200 or 204 for each statement, or refused one
for itself (400, 413, 422: recorded as a RefusedStatement, shown in the admin, and skipped, so that one
statement the LRS will never take cannot stop the queue). Statement ids are fixed by the
store, so a batch sent twice (the answer was lost, the worker crashed before saving the cursor) is not
stored twice: a conformant LRS ignores an identical statement it already has, and a 409 on a batch falls
back to one statement at a time, where a 409 is checked with `GET ?statementId=`.

Erasures carried out by the progress app delete the agent's statements here and list their ids on the
`ErasureRequest`: each endpoint also keeps an erasure cursor and receives, for every erasure after it, one
voiding statement per erased id (ids derived from the erasure and the target, so resending is harmless).

One worker per endpoint, even when several application servers run `deliver_statements`: a PostgreSQL
session-level advisory lock (released by PostgreSQL itself if the worker dies), or on SQLite a lease
(owner + expiry) taken by a conditional UPDATE.
"""

import json
import logging
import os
import random
import socket
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

import requests
from django.conf import settings
from django.db import connection
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from learning_records.statements import build_voided
from pilotage.models import LrsEndpoint, RefusedStatement
from progress.models import ErasureRequest

logger = logging.getLogger(__name__)

XAPI_VERSION = "1.0.3"
# First key of PostgreSQL's two-int advisory lock: a constant for "LRS delivery", the endpoint id second.
ADVISORY_LOCK_NAMESPACE = 0x50494C4F  # "PILO"
SUCCESS = {200, 204}
# Answers by which a LRS refuses a statement itself (malformed for it, too large, invalid): recorded as refused
# and skipped. Anything else (401, 403, 404, 429, 5xx…) speaks of the endpoint, not of the statement.
REFUSED = {400, 413, 422}
# Voiding statements sent for an erasure get ids derived from (erasure, statement): resending is idempotent.
ERASURE_NAMESPACE = uuid.UUID("8f0c54a4-6f2b-4d0e-9a57-3d1c3f5e2b71")


def setting(name, default):
    return getattr(settings, name, default)


def connect_timeout():
    return setting("PASSINNOV_LRS_CONNECT_TIMEOUT", 5)


def settle_delay():
    """Statements younger than this are left for the next pass, so that a transaction that took its
    `stored` value earlier but committed later is never skipped by a cursor that already moved past it."""
    return timedelta(seconds=setting("PASSINNOV_LRS_SETTLE_SECONDS", 5))


def backoff_delay(failures):
    """Exponential backoff with a little jitter: base, 2×base, 4×base… capped."""
    base = setting("PASSINNOV_LRS_RETRY_BASE_SECONDS", 10)
    cap = setting("PASSINNOV_LRS_RETRY_MAX_SECONDS", 3600)
    delay = min(cap, base * 2 ** max(0, failures - 1))
    return timedelta(seconds=delay * random.uniform(1.0, 1.2))


def worker_name():
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class DeliveryError(Exception):
    """The LRS did not acknowledge a batch; the message is stored as the endpoint's last error."""


def describe_response(response):
    body = response.text[:300].strip()
    message = _("HTTP %(status)s from %(url)s") % {"status": response.status_code, "url": response.url}
    return f"{message} : {body}" if body else message


class LrsClient:
    """Minimal xAPI client: POST batches, GET one statement by id. Every call has a timeout."""

    def __init__(self, endpoint, session=None):
        self.endpoint = endpoint
        self.session = session or requests.Session()
        self.session.auth = (endpoint.username, endpoint.password)
        self.session.headers.update({"X-Experience-API-Version": XAPI_VERSION, "User-Agent": "PassInnov/1.0"})
        self.timeout = (connect_timeout(), endpoint.timeout)
        self.acknowledged = False  # has the LRS acknowledged any request yet (see send)

    def request(self, method, **kwargs):
        try:
            return self.session.request(method, self.endpoint.statements_url, timeout=self.timeout, **kwargs)
        except requests.Timeout:
            raise DeliveryError(
                _("No answer from %(url)s within the timeout (%(seconds)s s).")
                % {"url": self.endpoint.statements_url, "seconds": self.endpoint.timeout}
            )
        except requests.RequestException as exc:
            raise DeliveryError(
                _("Cannot reach %(url)s: %(error)s") % {"url": self.endpoint.statements_url, "error": exc}
            )

    @staticmethod
    def text(statement):
        """The statement's exact stored text when there is one (jsonb would have normalised its numbers)."""
        exact = getattr(statement, "exact", None)
        return exact if exact else json.dumps(statement.data, ensure_ascii=False)

    def post(self, statements):
        body = "[" + ",".join(self.text(statement) for statement in statements) + "]"
        return self.request("POST", data=body.encode(), headers={"Content-Type": "application/json"})

    def exists(self, statement_id):
        response = self.request("GET", params={"statementId": str(statement_id)})
        if response.status_code == 200:
            # The spec answers the statement itself; some LRS (Ralph) answer an empty StatementResult.
            try:
                body = response.json()
            except ValueError:
                raise DeliveryError(describe_response(response))
            return isinstance(body, dict) and body.get("id") == str(statement_id)
        if response.status_code == 404:
            return False
        raise DeliveryError(describe_response(response))

    def send(self, statements):
        """Deliver statements (already in order). Returns the [(statement, response)] the LRS refused (see
        REFUSED); raises DeliveryError unless every other one is acknowledged.

        A refused batch, or one with a 409 (an earlier attempt whose answer was lost), is sent again one
        statement at a time to find out which. A refusal counts only once this LRS has acknowledged another
        request in the same pass: a misconfigured endpoint that refuses everything fails (and backs off)
        instead of skipping the whole log.
        """
        response = self.post(statements)
        if response.status_code in SUCCESS:
            self.acknowledged = True
            return []
        if response.status_code != 409 and response.status_code not in REFUSED:
            raise DeliveryError(describe_response(response))
        if len(statements) == 1:
            answers = [(statements[0], response)]
        else:
            logger.info("%s answered %s to a batch: sending its %d statements one by one", self.endpoint,
                        response.status_code, len(statements))  # fmt: skip
            answers = ((statement, self.post([statement])) for statement in statements)
        refused = []
        for statement, answer in answers:
            if answer.status_code in SUCCESS:
                self.acknowledged = True
            elif answer.status_code == 409 and self.exists(statement.statement_id):
                self.acknowledged = True  # already delivered: nothing to do, and nothing duplicated
            elif answer.status_code in REFUSED:
                refused.append((statement, answer))
            else:
                raise DeliveryError(describe_response(answer))
        if refused and not self.acknowledged:
            raise DeliveryError(describe_response(refused[0][1]))
        return refused


@contextmanager
def advisory_lock(endpoint):
    """PostgreSQL session-level advisory lock: released by PostgreSQL itself if the worker dies."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [ADVISORY_LOCK_NAMESPACE, endpoint.pk])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [ADVISORY_LOCK_NAMESPACE, endpoint.pk])


@contextmanager
def lease_lock(endpoint, owner):
    """A lease on the endpoint row (any database): expires if the worker dies, renewed after each batch."""
    acquired = renew_lease(endpoint, owner)
    try:
        yield acquired
    finally:
        if acquired:
            LrsEndpoint.objects.filter(pk=endpoint.pk, lease_owner=owner).update(lease_owner="", lease_expires_at=None)


def uses_advisory_locks():
    return connection.vendor == "postgresql"


def endpoint_lock(endpoint, owner):
    """Context manager yielding True when this process is the only worker for the endpoint."""
    return advisory_lock(endpoint) if uses_advisory_locks() else lease_lock(endpoint, owner)


def lease_duration(endpoint):
    return timedelta(seconds=connect_timeout() + endpoint.timeout + 60)


def renew_lease(endpoint, owner):
    """Take or extend the lease in one conditional UPDATE (atomic on every database)."""
    now = timezone.now()
    free = Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now) | Q(lease_owner=owner)
    updated = LrsEndpoint.objects.filter(free, pk=endpoint.pk).update(
        lease_owner=owner, lease_expires_at=now + lease_duration(endpoint)
    )
    return updated == 1


def pending_erasures(endpoint):
    """Erasures carried out after the endpoint's erasure cursor (progress app), oldest first."""
    done = ErasureRequest.objects.filter(status="done", processed_at__isnull=False)
    if endpoint.erasure_cursor_at is not None:
        done = done.filter(
            Q(processed_at__gt=endpoint.erasure_cursor_at)
            | Q(processed_at=endpoint.erasure_cursor_at, pk__gt=endpoint.erasure_cursor_id or 0)
        )
    return done.order_by("processed_at", "pk").only("pk", "processed_at", "statement_ids")


def erasure_voiding_statements(erasure):
    """One voiding statement per erased statement id: the store deleted them, the external LRS voids its copy."""

    result = []
    for target in erasure.statement_ids or []:
        statement_id = uuid.uuid5(ERASURE_NAMESPACE, f"{erasure.pk}:{target}")
        data = build_voided(target, None, timestamp=erasure.processed_at, statement_id=statement_id)
        result.append(SimpleNamespace(statement_id=statement_id, data=data))
    return result


def record_refused(endpoint, refused, result, erasure=None):
    """Keep what the LRS refused (visible in the admin) so that delivery can move past it."""
    if not refused:
        return
    now = timezone.now()
    RefusedStatement.objects.bulk_create(
        [
            RefusedStatement(
                endpoint=endpoint,
                kind=RefusedStatement.Kind.ERASURE if erasure is not None else RefusedStatement.Kind.STATEMENT,
                statement_id=statement.statement_id,
                erasure_id=erasure.pk if erasure is not None else None,
                voided_statement_id=statement.data["object"]["id"] if erasure is not None else None,
                status_code=response.status_code,
                message=describe_response(response)[:2000],
                refused_at=now,
            )
            for statement, response in refused
        ],
        ignore_conflicts=True,  # refused again after a crash before the cursor moved
    )
    result.refused += len(refused)
    for statement, response in refused:
        logger.warning("%s refused statement %s (HTTP %s): skipped", endpoint, statement.statement_id,
                       response.status_code)  # fmt: skip


def deliver_erasures(endpoint, client, batch_size, result, stop=None):
    for erasure in pending_erasures(endpoint):
        if stop is not None and stop.is_set():
            return
        statements = erasure_voiding_statements(erasure)
        try:
            for start in range(0, len(statements), batch_size):
                record_refused(endpoint, client.send(statements[start : start + batch_size]), result, erasure)
        except DeliveryError as exc:
            result.error = str(exc)
            record_failure(endpoint, result.error)
            return
        LrsEndpoint.objects.filter(pk=endpoint.pk).update(
            erasure_cursor_at=erasure.processed_at, erasure_cursor_id=erasure.pk, last_success_at=timezone.now()
        )
        endpoint.erasure_cursor_at, endpoint.erasure_cursor_id = erasure.processed_at, erasure.pk
        result.erasures += 1


@dataclass
class PassResult:
    endpoint: str
    delivered: int = 0
    batches: int = 0
    erasures: int = 0
    refused: int = 0  # statements the LRS refused, recorded and skipped
    skipped: str = ""  # "inactive", "backoff" or "locked"
    error: str = ""


def record_success(endpoint, last, count):
    now = timezone.now()
    LrsEndpoint.objects.filter(pk=endpoint.pk).update(
        cursor_stored=last.stored,
        cursor_statement_id=last.statement_id,
        delivered_count=F("delivered_count") + count,
        last_success_at=now,
        consecutive_failures=0,
        next_attempt_at=None,
    )
    endpoint.cursor_stored, endpoint.cursor_statement_id = last.stored, last.statement_id


def record_failure(endpoint, message):
    endpoint.refresh_from_db(fields=["consecutive_failures"])
    failures = endpoint.consecutive_failures + 1
    now = timezone.now()
    LrsEndpoint.objects.filter(pk=endpoint.pk).update(
        consecutive_failures=failures,
        last_error=message[:2000],
        last_error_at=now,
        next_attempt_at=now + backoff_delay(failures),
    )
    logger.warning("Delivery to %s failed (%d in a row): %s", endpoint, failures, message)


def deliver(endpoint, **kwargs):
    """One delivery pass to one endpoint: send every settled statement after its cursor, batch by batch.

    Errors are recorded in French, the administrators' language, whatever the worker's locale.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return deliver_pass(endpoint, **kwargs)


def deliver_pass(endpoint, *, owner=None, stop=None, max_batches=None, ignore_backoff=False, session=None):
    result = PassResult(endpoint=endpoint.name)
    if not endpoint.active:
        result.skipped = "inactive"
        return result
    if not ignore_backoff and not endpoint.is_due():
        result.skipped = "backoff"
        return result
    owner = owner or worker_name()
    with endpoint_lock(endpoint, owner) as acquired:
        if not acquired:
            result.skipped = "locked"
            return result
        endpoint.refresh_from_db()  # another worker may have moved the cursor since we read the row
        client = LrsClient(endpoint, session=session)
        batch_size = max(1, min(endpoint.batch_size, 1000))
        while not (stop is not None and stop.is_set()):
            if max_batches is not None and result.batches >= max_batches:
                break
            horizon = timezone.now() - settle_delay()
            batch = list(
                endpoint.pending_statements()
                .filter(stored__lte=horizon)
                .only("statement_id", "stored", "data", "exact")[:batch_size]
            )
            if not batch:
                break
            try:
                refused = client.send(batch)
            except DeliveryError as exc:
                result.error = str(exc)
                record_failure(endpoint, result.error)
                break
            record_refused(endpoint, refused, result)
            record_success(endpoint, batch[-1], len(batch) - len(refused))
            result.delivered += len(batch) - len(refused)
            result.batches += 1
            if not uses_advisory_locks() and not renew_lease(endpoint, owner):
                result.error = _("Another worker took over this endpoint.")
                break
        if not result.error and (max_batches is None or result.batches < max_batches):
            deliver_erasures(endpoint, client, batch_size, result, stop=stop)
    return result


def deliver_all(*, stop=None, names=None, owner=None):
    """One pass over every active endpoint (or the named ones)."""
    endpoints = LrsEndpoint.objects.active()
    if names:
        endpoints = endpoints.filter(name__in=names)
    owner = owner or worker_name()
    return [deliver(endpoint, owner=owner, stop=stop) for endpoint in endpoints]
