"""Storing statements (the write side): validation, ids, `stored`, authority, rows, attachments, then the filter
index (index.py), voiding (voiding.py) and the one batch signal (signals.py), all under the store lock
(lock.py). The read side (query.py, api.py GET) imports received.py, agents.py and index keys, never this
module.

`stored` ordering: every call takes one lock for the whole storing transaction (on PostgreSQL a
transaction-level advisory lock, `pg_advisory_xact_lock`; SQLite serialises writers itself), then reads the
greatest `stored` and gives each new statement a later, distinct instant (at least 1 µs apart). Because the
lock is held until the transaction commits, statements become visible to readers in `stored` order: a
reader that has seen `stored = t` will never later see a statement stored before `t`. That is what makes
`since` and keyset paging exact. The price is that storing transactions are serialised, so callers keep
them short.
"""

import json
import uuid
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from .agents import agent_ifis, authority_for, ifi, server_authority, site_agent, user_agent  # noqa: F401
from .index import index_rows, index_values, insert_index_entries  # noqa: F401
from .lock import ADVISORY_LOCK_KEY, lock_store  # noqa: F401
from .models import Attachment, Statement
from .received import (  # noqa: F401  (re-exported: the store's callers name them here)
    Received,
    decode_json,
    dumps_exact,
    exact_text,
    iso,
    needs_normalising,
    normalise,
    parse_json,
    received,
    same_payload,
    same_statement,
    strip_nul,
)
from .signals import statements_stored
from .validation import (
    VOIDED_VERB,
    StatementConflict,
    StatementError,
    StatementForbidden,
    parse_timestamp,
    validate_statement,
)
from .voiding import Voider, check_voiding, void_late_targets, void_targets

# --- Saving ----------------------------------------------------------------------------------------


class Referrer(NamedTuple):
    """A stored statement whose object is a StatementRef to `target` (a voiding statement or any other)."""

    pk: int
    statement_id: uuid.UUID
    stored: object
    target: uuid.UUID
    is_voiding: bool
    trusted: bool
    credential_id: int | None
    user_id: int | None


class Prior(NamedTuple):
    """What the store already holds for a batch (see prior_state)."""

    last: object  # the greatest `stored`, None for an empty store
    existing: list  # pks of the batch's ids already stored
    referrers: list  # [Referrer] targeting one of the batch's ids


REFERRER_COLUMNS = (
    "id",
    "statement_id",
    "stored",
    "object_statement_id",
    "is_voiding",
    "trusted",
    "credential_id",
    "user_id",
)


def prior_state(ids):
    """Under the store lock, in one round trip on PostgreSQL: the greatest `stored`, the batch's statement ids
    already stored, and the statements stored earlier that target one of them (a StatementRef's filter-index
    inheritance and the voiding of late targets need them). `ids`: the batch's statement ids (text)."""
    if connection.vendor != "postgresql":  # pragma: no cover - PostgreSQL in production and in CI
        referrers = Statement.objects.filter(object_statement_id__in=ids).values_list(*REFERRER_COLUMNS)
        return Prior(
            Statement.objects.aggregate(last=Max("stored"))["last"],
            list(Statement.objects.filter(statement_id__in=ids).values_list("pk", flat=True)),
            [Referrer(*values) for values in referrers],
        )
    table = connection.ops.quote_name(Statement._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in REFERRER_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 0, NULL::bigint, NULL::uuid, MAX(stored), NULL::uuid, NULL::boolean, NULL::boolean, "
            f"NULL::bigint, NULL::bigint FROM {table} "
            f"UNION ALL SELECT 1, id, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM {table} "
            f"WHERE statement_id = ANY(%s::uuid[]) "
            f"UNION ALL SELECT 2, {columns} FROM {table} WHERE object_statement_id = ANY(%s::uuid[])",
            [ids, ids],
        )
        result = cursor.fetchall()
    prior = Prior(None, [], [])
    for kind, *values in result:
        if kind == 0:
            prior = prior._replace(last=values[2])
        elif kind == 1:
            prior.existing.append(values[0])
        else:
            prior.referrers.append(Referrer(*values))
    return prior


def next_stored_instants(count, last):
    """`count` distinct instants, 1 µs apart, after `last` (the greatest `stored`) and not before now."""
    start = timezone.now()
    if last is not None and start <= last:
        start = last + timedelta(microseconds=1)
    return [start + timedelta(microseconds=index) for index in range(count)]


def check_actor_is_user(data, user, path):
    expected = user_agent(user)["account"]
    actor = data["actor"]
    if actor.get("objectType", "Agent") != "Agent" or actor.get("account") != expected:
        raise StatementForbidden(f"{path}actor: a signed-in agent may only send statements about themselves")


def save_statements(statements, *, credential=None, user=None, attachments=None):
    """Validate and store statements atomically in the caller's transaction; return the Statement rows.

    `statements`: a list (or a single statement) of dicts, JSON texts, tincan Statements or Received.
    `credential`: the API client (authority, trust); `user`: a signed-in agent's browser (untrusted, actor
    must be that agent); neither: written by the server (trusted). `attachments`: {sha2: (content_type,
    bytes)} received with the statements. A statement id already stored with the same content is not
    stored again (its existing row is returned); with different content StatementConflict is raised.
    """
    single = not isinstance(statements, (list, tuple))
    items = [received(item) for item in ([statements] if single else statements)]
    if not items:
        raise StatementError("no statement to store")
    ids = []
    for index, item in enumerate(items):
        path = "" if len(items) == 1 else f"statement[{index}] "
        try:
            validate_statement(item.data)
        except StatementError as exc:
            raise type(exc)(f"{path}{exc}") from exc
        if user is not None and credential is None:
            check_actor_is_user(item.data, user, path)
        statement_id = str(uuid.UUID(item.data["id"])) if "id" in item.data else str(uuid.uuid4())
        if statement_id in ids:
            raise StatementError(f"{path}id: the batch contains statement id {statement_id} twice")
        ids.append(statement_id)
    attachments = attachments or {}
    for item in items:
        for attachment in item.data.get("attachments", []):
            if "fileUrl" not in attachment and attachment["sha2"] not in attachments:
                raise StatementError(
                    f"attachment {attachment['sha2']} has no fileUrl and its data was not sent with the statement"
                )
    trusted = credential.trusted if credential is not None else user is None
    authority = authority_for(credential, user)

    with transaction.atomic():
        lock_store()
        prior = prior_state(ids)
        existing = (
            {str(s.statement_id): s for s in Statement.objects.filter(pk__in=prior.existing)} if prior.existing else {}
        )
        new_items = []
        for statement_id, item in zip(ids, items, strict=True):
            if statement_id in existing:
                if not same_statement(existing[statement_id], item.data):
                    raise StatementConflict(f"statement {statement_id} already exists with different content")
            else:
                new_items.append((statement_id, item))
        voider = Voider(trusted, getattr(credential, "pk", None), getattr(user, "pk", None))
        targets = check_voiding(new_items, voider)
        rows = build_rows(new_items, authority, trusted, credential, user, last=prior.last)
        insert_statements(rows)
        store_attachments(rows, new_items, attachments)
        new_ids = {row.statement_id for row in rows}
        referrers = [referrer for referrer in prior.referrers if referrer.target in new_ids]
        index_rows(rows, referrers)
        voided = void_targets(rows, targets)
        voided += void_late_targets(rows, referrers, already={target.pk for target, _voiding in voided})
        if rows:
            statements_stored.send(sender=Statement, statements=rows, voided=voided, credential=credential, user=user)
    by_id = {str(row.statement_id): row for row in rows} | existing
    result = [by_id[statement_id] for statement_id in ids]
    return result[0] if single else result


def new_row(**values):
    """A Statement built from its column values (attnames), through Django's positional fast path."""
    return Statement(*[values.get(name) for name in ROW_ATTNAMES])


ROW_ATTNAMES = [field.attname for field in Statement._meta.concrete_fields]


def build_rows(new_items, authority, trusted, credential, user, *, last):
    """The Statement rows of the new statements (not yet inserted); `last`: the greatest `stored` in the store."""
    instants = next_stored_instants(len(new_items), last)
    authority_text = json.dumps(authority)  # once per batch: the same in every statement
    credential_id = credential.pk if credential is not None else None
    user_id = user.pk if user is not None else None
    base_url = settings.PASSINNOV_BASE_URL
    rows = []
    for (statement_id, item), stored in zip(new_items, instants, strict=True):
        replaced = [key for key in ("authority", "stored") if key in item.data]
        if item.text is not None and needs_normalising(item.data):
            replaced.append("_normalised")
        data = normalise(item.data)
        stored_iso = iso(stored)
        additions = {"stored": stored_iso, "authority": authority}
        if "id" not in data:
            additions = {"id": statement_id, **additions}
        serialised = {"authority": authority_text}
        if "version" not in data:
            additions["version"] = "1.0.0"
        sent_timestamp = data.get("timestamp")
        if sent_timestamp is None:
            additions["timestamp"] = stored_iso
        exact = exact_text(item, additions, replaced, serialised)
        data.update(additions)
        data = {"id": data.pop("id"), **data}
        # JSON escapes U+0000 as \u0000: without it, no string needs strip_nul and the exact text is also the
        # jsonb value (same JSON, numbers as received).
        has_nul = "\\u0000" in exact
        actor_account = data["actor"].get("account") or {}
        obj = data["object"]
        object_type = obj.get("objectType", "Activity")
        context = data.get("context", {})
        verb_id = data["verb"]["id"]
        row = new_row(
            statement_id=uuid.UUID(statement_id),
            stored=stored,
            timestamp=stored if sent_timestamp is None else parse_timestamp(sent_timestamp),
            verb_id=verb_id,
            object_activity_id=obj["id"] if object_type == "Activity" else None,
            object_statement_id=uuid.UUID(obj["id"]) if object_type == "StatementRef" else None,
            actor_account_name=(
                (strip_nul(actor_account.get("name")) if has_nul else actor_account.get("name"))
                if actor_account.get("homePage") == base_url
                else None
            ),
            registration=uuid.UUID(context["registration"]) if "registration" in context else None,
            voided=False,
            is_voiding=verb_id == VOIDED_VERB,
            trusted=trusted,
            credential_id=credential_id,
            user_id=user_id,
            data=strip_nul(data) if has_nul else data,
            exact=exact,
        )
        if credential is not None:
            Statement.credential.field.set_cached_value(row, credential)
        if user is not None:
            Statement.user.field.set_cached_value(row, user)
        row._jsonb = None if has_nul else exact
        rows.append(row)
    return rows


# --- Writing rows: multi-row INSERT … SELECT unnest(…), one statement per table ----------------------------

STATEMENT_COLUMNS = (
    ("statement_id", "uuid"),
    ("stored", "timestamptz"),
    ("timestamp", "timestamptz"),
    ("verb_id", "text"),
    ("object_activity_id", "text"),
    ("object_statement_id", "uuid"),
    ("actor_account_name", "text"),
    ("registration", "uuid"),
    ("voided", "boolean"),
    ("is_voiding", "boolean"),
    ("trusted", "boolean"),
    ("credential_id", "bigint"),
    ("user_id", "bigint"),
    ("data", "text"),  # cast to jsonb in the SELECT
    ("exact", "text"),
)


def _text(value):
    return None if value is None else str(value)


def insert_statements(rows):
    """Insert the new Statement rows in one round trip and set their pk (PostgreSQL: INSERT … SELECT FROM
    unnest(arrays), no per-row SQL; elsewhere Django's bulk_create)."""
    if connection.vendor != "postgresql":  # pragma: no cover - PostgreSQL in production and in CI
        created = Statement.objects.bulk_create(rows)
        if created and created[0].pk is None:
            by_id = Statement.objects.in_bulk([r.statement_id for r in rows], field_name="statement_id")
            for row in rows:
                row.pk = by_id[row.statement_id].pk
        return
    columns = [name for name, _type in STATEMENT_COLUMNS]
    arrays = [
        [_text(r.statement_id) for r in rows],
        [r.stored for r in rows],
        [r.timestamp for r in rows],
        [r.verb_id for r in rows],
        [r.object_activity_id for r in rows],
        [_text(r.object_statement_id) for r in rows],
        [r.actor_account_name for r in rows],
        [_text(r.registration) for r in rows],
        [r.voided for r in rows],
        [r.is_voiding for r in rows],
        [r.trusted for r in rows],
        [r.credential_id for r in rows],
        [r.user_id for r in rows],
        [r._jsonb if r._jsonb is not None else json.dumps(r.data) for r in rows],
        [r.exact for r in rows],
    ]
    quoted = [connection.ops.quote_name(name) for name in columns]
    unnest = ", ".join(f"%s::{sql_type}[]" for _name, sql_type in STATEMENT_COLUMNS)
    select = ", ".join(f"{q}::jsonb" if name == "data" else q for name, q in zip(columns, quoted, strict=True))
    table = connection.ops.quote_name(Statement._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(quoted)}) SELECT {select} FROM unnest({unnest}) AS t({', '.join(quoted)}) "
            "RETURNING id, statement_id::text",
            arrays,
        )
        pks = {str(statement_id): pk for pk, statement_id in cursor.fetchall()}
    for row in rows:
        row.pk = pks[str(row.statement_id)]
        row._state.adding = False
        row._state.db = connection.alias


def declared_attachments(data):
    """The attachments a statement declares, its SubStatement's included."""
    obj = data["object"]
    return data.get("attachments", []) + (obj.get("attachments", []) if obj.get("objectType") == "SubStatement" else [])


def store_attachments(rows, new_items, attachments):
    """Keep the content of attachments sent with new statements, once per sha2, and remember which
    statements brought which content (only they give access to it: Attachment.objects.readable_by)."""
    carried = {
        (row.pk, a["sha2"])
        for row, (_id, item) in zip(rows, new_items, strict=True)
        for a in declared_attachments(item.data)
        if a["sha2"] in attachments
    }
    if not carried:
        return
    wanted = {sha2 for _pk, sha2 in carried}
    known = set(Attachment.objects.filter(sha2__in=wanted).values_list("sha2", flat=True))
    Attachment.objects.bulk_create(
        [
            Attachment(sha2=sha2, content_type=attachments[sha2][0], content=attachments[sha2][1])
            for sha2 in sorted(wanted - known)
        ]
    )
    pks = dict(Attachment.objects.filter(sha2__in=wanted).values_list("sha2", "pk"))
    Attachment.statements.through.objects.bulk_create(
        [Attachment.statements.through(statement_id=pk, attachment_id=pks[sha2]) for pk, sha2 in sorted(carried)]
    )
