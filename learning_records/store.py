"""Storing statements: validation, ids, `stored`, authority, filter index, voiding, signals.

`stored` ordering: every call takes one lock for the whole storing transaction (on PostgreSQL a
transaction-level advisory lock, `pg_advisory_xact_lock`; SQLite serialises writers itself), then reads the
greatest `stored` and gives each new statement a later, distinct instant (at least 1 µs apart). Because the
lock is held until the transaction commits, statements become visible to readers in `stored` order: a
reader that has seen `stored = t` will never later see a statement stored before `t`. That is what makes
`since` and keyset paging exact. The price is that storing transactions are serialised, so callers keep
them short.
"""

import copy
import json
import uuid
from datetime import UTC, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from .models import Attachment, Statement, StatementIndexEntry, index_key
from .signals import statements_stored
from .validation import (
    VOIDED_VERB,
    StatementConflict,
    StatementError,
    StatementForbidden,
    parse_timestamp,
    validate_statement,
)

ADVISORY_LOCK_KEY = 0x50415353  # "PASS"
LRS_PROPERTIES = ("id", "stored", "authority", "version")


class Received:
    """A statement as received: its exact JSON text (when known) and its parsed value."""

    __slots__ = ("text", "data")

    def __init__(self, text, data):
        self.text = text
        self.data = data


def refuse_constant(name):
    raise StatementError(f"{name} is not a JSON value")


JSON_DECODER = json.JSONDecoder(parse_constant=refuse_constant)
JSON_WHITESPACE = " \t\n\r"


def parse_json(text):
    """Parse JSON text (str or UTF-8 bytes), refusing NaN/Infinity (not JSON) with a StatementError."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise StatementError("JSON must be encoded in UTF-8") from exc
    value, _end = decode_json(text.strip(JSON_WHITESPACE))
    return value


def decode_json(text, position=0, whole=True):
    """(value, end) of the JSON value at `position`; StatementError for anything that is not JSON.

    A body nested deeper than the parser's recursion limit is refused here (RecursionError must never reach
    the caller: it would answer 500); the statement's own depth limit is checked by validation."""
    try:
        value, end = JSON_DECODER.raw_decode(text, position)
    except RecursionError as exc:
        raise StatementError("the JSON is nested too deeply") from exc
    except StatementError:
        raise
    except ValueError as exc:
        raise StatementError(f"malformed JSON: {exc}") from exc
    if whole and text[end:].strip(JSON_WHITESPACE):
        raise StatementError("malformed JSON: extra data after the value")
    return value, end


def received(item):
    """Accept a Received, a JSON string/bytes, a dict or a tincan Statement."""
    if isinstance(item, Received):
        return item
    if isinstance(item, (bytes, bytearray)):
        item = item.decode("utf-8")
    if isinstance(item, str):
        return Received(item, parse_json(item))
    if isinstance(item, dict):
        try:  # serialised once: the exact text, and a parsed copy the store may change (faster than deepcopy)
            text = json.dumps(item, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError):  # Decimal numbers (kept digit for digit), NaN (refused by validation)
            return Received(None, copy.deepcopy(item))
        return Received(text, json.loads(text))
    if hasattr(item, "to_json"):  # tincan objects
        text = item.to_json("1.0.3") if callable(item.to_json) else item.to_json
        return Received(None, parse_json(text))
    raise StatementError("a statement must be a JSON object")


def iso(value):
    return value.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def site_agent(name):
    return {"objectType": "Agent", "account": {"homePage": settings.PASSINNOV_BASE_URL, "name": name}}


def server_authority():
    return site_agent("passinnov")


def user_agent(user):
    return site_agent(user.xapi_account_name)


def authority_for(credential, user):
    if credential is not None:
        return credential.authority
    if user is not None:
        return user_agent(user)
    return server_authority()


# --- Agent identifiers and index entries ------------------------------------------------------------


def ifi(agent):
    """The inverse functional identifier of an Agent or identified Group, with its objectType; else None."""
    if not isinstance(agent, dict):
        return None
    object_type = agent.get("objectType", "Agent")
    if "mbox" in agent:
        value = f"mbox={agent['mbox']}"
    elif "mbox_sha1sum" in agent:
        value = f"mbox_sha1sum={agent['mbox_sha1sum'].lower()}"
    elif "openid" in agent:
        value = f"openid={agent['openid']}"
    elif "account" in agent:
        value = f"account={agent['account'].get('homePage')}\x1f{agent['account'].get('name')}"
    else:
        return None
    return f"{object_type}|{value}"


def agent_ifis(agent):
    """IFIs of an Agent or Group and of the Group's members (a member of the actor group matches)."""
    found = []
    if not isinstance(agent, dict):
        return found
    own = ifi(agent)
    if own:
        found.append(own)
    for member in agent.get("member", []) if agent.get("objectType") == "Group" else []:
        member_ifi = ifi(member)
        if member_ifi:
            found.append(member_ifi)
    return found


def context_activity_ids(context):
    ids = []
    for items in (context or {}).get("contextActivities", {}).values():
        for activity in items if isinstance(items, list) else [items]:
            ids.append(activity["id"])
    return ids


def index_values(data):
    """(kind, value) pairs a statement matches directly (StatementRef inheritance is added by the store)."""
    values = set()
    actor, obj, context = data["actor"], data["object"], data.get("context", {})
    object_type = obj.get("objectType", "Activity")
    for agent_ifi in agent_ifis(actor):
        values.add(("agent", agent_ifi))
    if object_type in ("Agent", "Group"):
        for agent_ifi in agent_ifis(obj):
            values.add(("agent", agent_ifi))
    values.add(("verb", data["verb"]["id"]))
    if object_type == "Activity":
        values.add(("activity", obj["id"]))
        values.add(("related_activity", obj["id"]))
    if "registration" in context:
        values.add(("registration", context["registration"].lower()))
    related_agents = [data.get("authority"), context.get("instructor"), context.get("team")]
    for activity_id in context_activity_ids(context):
        values.add(("related_activity", activity_id))
    if object_type == "SubStatement":
        sub_context = obj.get("context", {})
        related_agents += [obj["actor"], sub_context.get("instructor"), sub_context.get("team")]
        if obj["object"].get("objectType") in ("Agent", "Group"):
            related_agents.append(obj["object"])
        if obj["object"].get("objectType", "Activity") == "Activity":
            values.add(("related_activity", obj["object"]["id"]))
        for activity_id in context_activity_ids(sub_context):
            values.add(("related_activity", activity_id))
    for kind, value in list(values):
        if kind == "agent":
            values.add(("related_agent", value))
    for agent in related_agents:
        for agent_ifi in agent_ifis(agent):
            values.add(("related_agent", agent_ifi))
    return values


# --- Exact text ------------------------------------------------------------------------------------


def dumps_exact(value):
    """Serialise JSON parsed with Decimal floats without losing their digits."""
    if isinstance(value, Decimal):
        return str(value) if value.is_finite() else "null"
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{dumps_exact(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dumps_exact(v) for v in value) + "]"
    return json.dumps(value)


def exact_text(item, additions, replaced):
    """The received text with the LRS's properties added; re-serialised only when one was replaced."""
    if item.text is None:
        base = dumps_exact(item.data)
    elif replaced:
        parsed = json.loads(item.text, parse_float=Decimal)
        for key in replaced:
            parsed.pop(key, None)
        parsed = normalise(parsed)
        base = dumps_exact(parsed)
    else:
        base = item.text.strip()
    if not additions:
        return base
    head = ",".join(f"{json.dumps(k)}:{json.dumps(v)}" for k, v in additions.items())
    inner = base[1:].lstrip()
    return "{" + head + ("" if inner.startswith("}") else ",") + inner


def normalise(data):
    """What the LRS returns differs from what it received only in contextActivities becoming arrays."""
    for context in (data.get("context"), (data.get("object") or {}).get("context")):
        if isinstance(context, dict) and isinstance(context.get("contextActivities"), dict):
            for key, items in context["contextActivities"].items():
                if isinstance(items, dict):
                    context["contextActivities"][key] = [items]
    return data


def needs_normalising(data):
    for context in (data.get("context"), (data.get("object") or {}).get("context")):
        if isinstance(context, dict) and isinstance(context.get("contextActivities"), dict):
            if any(isinstance(items, dict) for items in context["contextActivities"].values()):
                return True
    return False


def strip_nul(value):
    """jsonb refuses U+0000: the `data` column gets U+FFFD instead (the exact text keeps the original)."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {strip_nul(k): strip_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [strip_nul(v) for v in value]
    return value


# --- Comparison ------------------------------------------------------------------------------------


def comparable(data, with_timestamp):
    data = normalise(copy.deepcopy(data))
    for key in LRS_PROPERTIES:
        data.pop(key, None)
    timestamp = data.pop("timestamp", None)
    if with_timestamp and timestamp is not None:
        data["timestamp"] = parse_timestamp(timestamp)
    return data


def same_payload(first, second):
    """Compare two parsed statements per xAPI 1.0.3 (see same_statement)."""
    with_timestamp = "timestamp" in first and "timestamp" in second
    try:
        return comparable(first, with_timestamp) == comparable(second, with_timestamp)
    except StatementError:
        return False


def same_statement(existing, new_data):
    """Statement comparison (xAPI 1.0.3 Data 2.3.1): ignore id/stored/authority/version; a statement sent
    without a timestamp is compared without it."""
    with_timestamp = "timestamp" in new_data
    old = comparable(json.loads(existing.exact), with_timestamp)
    return old == comparable(new_data, with_timestamp)


# --- Saving ----------------------------------------------------------------------------------------


def lock_store():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


def next_stored_instants(count):
    last = Statement.objects.aggregate(last=Max("stored"))["last"]
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
        existing = {str(s.statement_id): s for s in Statement.objects.filter(statement_id__in=ids)}
        new_items = []
        for statement_id, item in zip(ids, items, strict=True):
            if statement_id in existing:
                if not same_statement(existing[statement_id], item.data):
                    raise StatementConflict(f"statement {statement_id} already exists with different content")
            else:
                new_items.append((statement_id, item))
        voider = Voider(trusted, getattr(credential, "pk", None), getattr(user, "pk", None))
        targets = check_voiding(new_items, voider)
        rows = build_rows(new_items, authority, trusted, credential, user)
        insert_statements(rows)
        store_attachments(rows, new_items, attachments)
        index_rows(rows)
        voided = void_targets(rows, targets)
        voided += void_late_targets(rows, already={target.pk for target, _voiding in voided})
        if rows:
            statements_stored.send(sender=Statement, statements=rows, voided=voided, credential=credential, user=user)
    by_id = {str(row.statement_id): row for row in rows} | existing
    result = [by_id[statement_id] for statement_id in ids]
    return result[0] if single else result


class Voider(NamedTuple):
    """Who sends a voiding statement: its trust, and the credential or browser user that stores it."""

    trusted: bool
    credential_id: int | None
    user_id: int | None

    @classmethod
    def of(cls, statement):
        """The authority a stored statement was written with."""
        return cls(statement.trusted, statement.credential_id, statement.user_id)

    def may_void(self, target):
        """The voiding rule (docs/xapi-profile.md, "Voiding"): the server and trusted credentials void any
        statement; an untrusted credential only the statements it stored itself; a signed-in agent's browser
        only the untrusted statements that same browser session user stored. Anything else (including a
        credential since deleted) voids nothing."""
        if self.trusted:
            return True
        if self.credential_id is not None:
            return target.credential_id == self.credential_id
        if self.user_id is not None:
            return target.user_id == self.user_id and not target.trusted
        return False


def check_voiding(new_items, voider):
    """Refuse a voiding statement that targets a voiding statement (400) or a stored statement its sender may
    not void (403: Voider.may_void). The target may be unknown: the spec says the LRS should not reject it
    then (Data 2.3.2); it is voided on arrival if the same rule allows it (void_late_targets)."""
    wanted = {}
    for statement_id, item in new_items:
        if item.data["verb"]["id"] == VOIDED_VERB:
            wanted[statement_id] = str(uuid.UUID(item.data["object"]["id"]))
    if not wanted:
        return {}
    stored_targets = {
        str(target.statement_id): target
        for target in Statement.objects.filter(statement_id__in=set(wanted.values())).only(
            "statement_id", "is_voiding", "trusted", "credential_id", "user_id"
        )
    }
    for voiding_id, target_id in wanted.items():
        target = stored_targets.get(target_id)
        if target_id in wanted or (target is not None and target.is_voiding):
            raise StatementError(f"statement {voiding_id} voids {target_id}, which is a voiding statement")
        if target is not None and not voider.may_void(target):
            raise StatementForbidden(
                f"statement {voiding_id} voids {target_id}: only the authority that stored it, the server or a "
                "trusted credential may void it"
            )
    return wanted


def build_rows(new_items, authority, trusted, credential, user):
    instants = next_stored_instants(len(new_items))
    rows = []
    for (statement_id, item), stored in zip(new_items, instants, strict=True):
        replaced = [key for key in ("authority", "stored") if key in item.data]
        if item.text is not None and needs_normalising(item.data):
            replaced.append("_normalised")
        data = normalise(item.data)
        stored_iso = iso(stored)
        additions = {}
        if "id" not in data:
            additions["id"] = statement_id
        additions["stored"] = stored_iso
        additions["authority"] = authority
        if "version" not in data:
            additions["version"] = "1.0.0"
        if "timestamp" not in data:
            additions["timestamp"] = stored_iso
        exact = exact_text(item, additions, replaced)
        data.update(additions)
        data = {"id": data.pop("id"), **data}
        # JSON escapes U+0000 as \u0000: without it, no string needs strip_nul and the exact text is also the
        # jsonb value (same JSON, numbers as received).
        has_nul = "\\u0000" in exact
        actor_account = data["actor"].get("account") or {}
        obj = data["object"]
        object_type = obj.get("objectType", "Activity")
        rows.append(
            Statement(
                statement_id=uuid.UUID(statement_id),
                stored=stored,
                timestamp=parse_timestamp(data["timestamp"]),
                verb_id=data["verb"]["id"],
                object_activity_id=obj["id"] if object_type == "Activity" else None,
                object_statement_id=uuid.UUID(obj["id"]) if object_type == "StatementRef" else None,
                actor_account_name=(
                    (strip_nul(actor_account.get("name")) if has_nul else actor_account.get("name"))
                    if actor_account.get("homePage") == settings.PASSINNOV_BASE_URL
                    else None
                ),
                registration=uuid.UUID(data["context"]["registration"])
                if "registration" in data.get("context", {})
                else None,
                is_voiding=data["verb"]["id"] == VOIDED_VERB,
                trusted=trusted,
                credential=credential,
                user=user,
                data=strip_nul(data) if has_nul else data,
                exact=exact,
            )
        )
        rows[-1]._jsonb = None if has_nul else exact
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


def insert_index_entries(entries):
    """Insert filter-index rows [(statement pk, kind, key, stored)] in one round trip; `ignore_conflicts`
    semantics (a row already there is kept) only where the caller asks for it."""
    if not entries:
        return
    if connection.vendor != "postgresql":  # pragma: no cover
        StatementIndexEntry.objects.bulk_create(
            [
                StatementIndexEntry(statement_id=pk, kind=kind, key=key, stored=stored)
                for pk, kind, key, stored in entries
            ]
        )
        return
    table = connection.ops.quote_name(StatementIndexEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (statement_id, kind, key, stored) "
            "SELECT * FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::timestamptz[])",
            [[e[0] for e in entries], [e[1] for e in entries], [e[2] for e in entries], [e[3] for e in entries]],
        )


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


def index_rows(rows):
    """Write the filter index of new statements, with the StatementRef rule applied both ways."""
    if not rows:
        return
    entries = {}
    for row in rows:
        entries[row.pk] = {(kind, index_key(kind, value)) for kind, value in index_values(row.data)}
    # A new statement that targets a stored statement matches what its target matches (recursively: the
    # target's entries already include what it inherited).
    targets = {row.object_statement_id for row in rows if row.object_statement_id}
    if targets:
        by_target = {}
        for entry in StatementIndexEntry.objects.filter(statement__statement_id__in=targets).values(
            "statement__statement_id", "kind", "key"
        ):
            by_target.setdefault(entry["statement__statement_id"], set()).add((entry["kind"], entry["key"]))
        new_by_id = {row.statement_id: row for row in rows}
        for row in rows:  # in stored order, so a target earlier in the same batch is already complete
            target = row.object_statement_id
            if target in new_by_id:
                entries[row.pk] |= entries[new_by_id[target].pk]
            elif target in by_target:
                entries[row.pk] |= by_target[target]
    stored_by_pk = {row.pk: row.stored for row in rows}
    insert_index_entries(
        [(pk, kind, key, stored_by_pk[pk]) for pk, pairs in entries.items() for kind, key in sorted(pairs)]
    )
    propagate_to_referrers({row.statement_id: entries[row.pk] for row in rows})


def propagate_to_referrers(entries_by_statement_id):
    """Statements stored earlier that target a new statement inherit its entries (and so on, upwards)."""
    pending = entries_by_statement_id
    seen = set(pending)
    while pending:
        referrers = list(
            Statement.objects.filter(object_statement_id__in=list(pending)).values_list(
                "pk", "statement_id", "stored", "object_statement_id"
            )
        )
        next_pending = {}
        new_entries = []
        for pk, statement_id, stored, target in referrers:
            if statement_id in seen:
                continue
            seen.add(statement_id)
            pairs = pending[target]
            new_entries += [StatementIndexEntry(statement_id=pk, kind=k, key=key, stored=stored) for k, key in pairs]
            next_pending[statement_id] = pairs
        StatementIndexEntry.objects.bulk_create(new_entries, ignore_conflicts=True)
        pending = next_pending


def void_late_targets(rows, already=()):
    """New statements already targeted by a stored voiding statement are voided on arrival, by the first
    such voiding statement (in `stored` order) whose sender may void them; `already`: pks voided by this
    batch itself. A voiding statement not allowed to void its target stays stored without effect."""
    candidates = {row.statement_id: row for row in rows if not row.is_voiding and row.pk not in already}
    if not candidates:
        return []
    voiding_by_target = {}
    earlier = (
        Statement.objects.filter(is_voiding=True, object_statement_id__in=list(candidates))
        .exclude(pk__in=[row.pk for row in rows])
        .order_by("stored")
    )
    for voiding in earlier:
        target = candidates[voiding.object_statement_id]
        if target.statement_id not in voiding_by_target and Voider.of(voiding).may_void(target):
            voiding_by_target[target.statement_id] = voiding
    if not voiding_by_target:
        return []
    late = [candidates[target] for target in voiding_by_target]
    Statement.objects.filter(pk__in=[row.pk for row in late]).update(voided=True)
    for row in late:
        row.voided = True
    return [(row, voiding_by_target[row.statement_id]) for row in late]


def void_targets(rows, targets):
    """Mark the targets of this batch's voiding statements voided, once: a statement already voided is never
    voided again (its effects were already taken back)."""
    if not targets:
        return []
    voiding_by_target = {}
    for row in rows:
        if str(row.statement_id) in targets:
            voiding_by_target[uuid.UUID(targets[str(row.statement_id)])] = row
    voided_rows = list(
        Statement.objects.filter(statement_id__in=list(voiding_by_target), is_voiding=False, voided=False)
    )
    Statement.objects.filter(pk__in=[row.pk for row in voided_rows]).update(voided=True)
    for row in voided_rows:
        row.voided = True
    return [(row, voiding_by_target[row.statement_id]) for row in voided_rows]
