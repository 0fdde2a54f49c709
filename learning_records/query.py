"""Statement queries of the Statement API: filters, formats and keyset paging.

Filters use the StatementIndexEntry side table (one row per statement and filter value, with the
StatementRef rule already applied by the store). Paging is by key on `stored` (unique): `more` carries the
filters and the last `stored` returned, signed with Django's signing (valid MORE_MAX_AGE), so a reader
needs nothing but that URL and page 10,000 costs what page 1 costs (no OFFSET).
"""

import json
import uuid

from django.core import signing
from django.db import connection
from django.db.models import Max, Subquery
from django.utils import timezone

from .agents import agent_ifis
from .auth import ApiError
from .lock import ADVISORY_LOCK_KEY
from .models import Statement, StatementIndexEntry, index_key
from .received import iso, normalise, parse_json
from .validation import StatementError, check_actor, check_iri, parse_timestamp

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
MORE_MAX_AGE = 7 * 24 * 3600  # seconds: `more` links stay valid a week (at least 24 h required)
MORE_SALT = "learning_records.more"
FILTER_PARAMS = {
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "format",
    "attachments",
    "ascending",
}
SINGLE_PARAMS = {"statementId", "voidedStatementId"}
FORMATS = ("exact", "ids", "canonical")


def bad(message):
    return ApiError(400, message)


def parse_bool(params, name):
    value = params.get(name)
    if value is None:
        return False
    if value not in ("true", "false"):
        raise bad(f"{name} must be true or false")
    return value == "true"


def parse_format(params):
    value = params.get("format", "exact")
    if value not in FORMATS:
        raise bad("format must be ids, exact or canonical")
    return value


def parse_agent(value):
    try:
        agent = parse_json(value)
    except StatementError:
        raise bad("agent must be a JSON Agent or Group")
    try:
        check_actor(agent, "agent")
    except StatementError as exc:
        raise bad(str(exc))
    ifis = agent_ifis({key: val for key, val in agent.items() if key != "member"})
    if not ifis:
        raise bad("agent must be identified by an inverse functional identifier")
    return ifis[0]


def parse_query(params):
    """Validate the filter parameters; return a dict that can be signed into a `more` link."""
    unknown = set(params) - FILTER_PARAMS
    if unknown:
        raise bad(f"unknown parameter {sorted(unknown)[0]!r}")
    query = {"format": parse_format(params), "attachments": parse_bool(params, "attachments")}
    query["ascending"] = parse_bool(params, "ascending")
    query["related_activities"] = parse_bool(params, "related_activities")
    query["related_agents"] = parse_bool(params, "related_agents")
    if "agent" in params:
        query["agent"] = parse_agent(params["agent"])
    for name in ("verb", "activity"):
        if name in params:
            try:
                check_iri(params[name], name)
            except StatementError as exc:
                raise bad(str(exc))
            query[name] = params[name]
    if "registration" in params:
        try:
            query["registration"] = str(uuid.UUID(params["registration"]))
        except ValueError:
            raise bad("registration must be a UUID")
    for name in ("since", "until"):
        if name in params:
            try:
                query[name] = iso(parse_timestamp(params[name], name))
            except StatementError as exc:
                raise bad(str(exc))
    limit = params.get("limit", "0")
    if not limit.isdigit():
        raise bad("limit must be a non-negative integer")
    query["limit"] = min(int(limit) or DEFAULT_LIMIT, MAX_LIMIT)
    return query


def filtered(query, credential=None):
    """The queryset of a StatementResult (without paging), newest first unless ascending."""
    statements = Statement.objects.readable_by(credential).filter(voided=False)
    keys = []
    if "agent" in query:
        keys.append(index_key("related_agent" if query["related_agents"] else "agent", query["agent"]))
    if "verb" in query:
        keys.append(index_key("verb", query["verb"]))
    if "activity" in query:
        keys.append(index_key("related_activity" if query["related_activities"] else "activity", query["activity"]))
    if "registration" in query:
        keys.append(index_key("registration", query["registration"]))
    for key in keys:
        statements = statements.filter(
            pk__in=Subquery(StatementIndexEntry.objects.filter(key=key).values("statement_id"))
        )
    if "since" in query:
        statements = statements.filter(stored__gt=parse_timestamp(query["since"]))
    if "until" in query:
        statements = statements.filter(stored__lte=parse_timestamp(query["until"]))
    return statements.order_by("stored" if query["ascending"] else "-stored")


def page(query, credential=None):
    """(statements of this page, signed `more` token or None)."""
    statements = filtered(query, credential)
    if "after" in query:
        after = parse_timestamp(query["after"])
        statements = statements.filter(stored__gt=after) if query["ascending"] else statements.filter(stored__lt=after)
    fields = ["pk", "stored", "exact"] + (["data"] if query["attachments"] else [])
    rows = list(statements.only(*fields)[: query["limit"] + 1])
    more = None
    if len(rows) > query["limit"]:
        rows = rows[: query["limit"]]
        more = signing.dumps(dict(query, after=iso(rows[-1].stored)), salt=MORE_SALT, compress=True)
    return rows, more


def load_more(token):
    try:
        return signing.loads(token, salt=MORE_SALT, max_age=MORE_MAX_AGE)
    except signing.SignatureExpired:
        raise bad("this more link has expired: run the query again")
    except signing.BadSignature:
        raise bad("invalid more link")


def consistent_through():
    """Every statement stored before this instant is visible to readers.

    Writers hold the store lock until they commit (store.py). When no writer holds it, "now" is exact;
    while one does, its statements will be stored after every statement visible now, so the greatest
    visible `stored` is.
    """
    now = timezone.now()
    if connection.vendor != "postgresql":
        return iso(now)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock_shared(%s)", [ADVISORY_LOCK_KEY])
        free = cursor.fetchone()[0]
        if free:
            cursor.execute("SELECT pg_advisory_unlock_shared(%s)", [ADVISORY_LOCK_KEY])
            return iso(now)
    last = Statement.objects.aggregate(last=Max("stored"))["last"]
    return iso(min(last, now) if last else now)


# --- Formats ---------------------------------------------------------------------------------------


def ids_agent(agent):
    result = {"objectType": agent.get("objectType", "Agent")}
    for key in ("mbox", "mbox_sha1sum", "openid", "account"):
        if key in agent:
            result[key] = agent[key]
    if (
        agent.get("objectType") == "Group"
        and "member" in agent
        and not any(key in agent for key in ("mbox", "mbox_sha1sum", "openid", "account"))
    ):
        result["member"] = [ids_agent(member) for member in agent["member"]]
    return result


def ids_object(obj):
    object_type = obj.get("objectType", "Activity")
    if object_type == "Activity":
        return {"id": obj["id"]}
    if object_type in ("Agent", "Group"):
        return ids_agent(obj)
    if object_type == "SubStatement":
        return ids_core(obj)
    return obj


def ids_context(context):
    context = dict(context)
    for key in ("instructor", "team"):
        if key in context:
            context[key] = ids_agent(context[key])
    if "contextActivities" in context:
        context["contextActivities"] = {
            key: [{"id": activity["id"]} for activity in items] for key, items in context["contextActivities"].items()
        }
    return context


def ids_core(data):
    data = dict(data)
    data["actor"] = ids_agent(data["actor"])
    data["verb"] = {"id": data["verb"]["id"]}
    data["object"] = ids_object(data["object"])
    if "context" in data:
        data["context"] = ids_context(data["context"])
    if "authority" in data:
        data["authority"] = ids_agent(data["authority"])
    return data


def pick_language(language_map, preferred):
    """The one entry of a language map that best fits Accept-Language: exact tag, then same language."""
    for tag in preferred:
        if tag == "*":
            break
        for key in language_map:
            if key.lower() == tag:
                return {key: language_map[key]}
        for key in language_map:
            if key.lower().split("-")[0] == tag.split("-")[0]:
                return {key: language_map[key]}
    for key in ("und", "en-US", "en"):
        if key in language_map:
            return {key: language_map[key]}
    first = next(iter(language_map), None)
    return {first: language_map[first]} if first is not None else {}


def canonical(value, preferred, key=None):
    """Every language map reduced to the one language the client prefers (Accept-Language)."""
    language_map_keys = {"display", "name", "description"}
    if isinstance(value, dict):
        if key in language_map_keys and all(isinstance(v, str) for v in value.values()):
            return pick_language(value, preferred)
        if key == "extensions":
            return value
        return {k: canonical(v, preferred, k) for k, v in value.items()}
    if isinstance(value, list):
        return [canonical(item, preferred) for item in value]
    return value


def accept_languages(header):
    languages = []
    for part in (header or "").split(","):
        tag, _sep, params = part.strip().partition(";")
        if not tag:
            continue
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0
        languages.append((quality, tag.strip().lower()))
    return [tag for quality, tag in sorted(languages, key=lambda item: -item[0]) if quality > 0]


def render(row, statement_format, preferred=()):
    """JSON text of one stored statement in the requested format."""
    if statement_format == "exact":
        return row.exact
    data = normalise(json.loads(row.exact))
    if statement_format == "ids":
        return json.dumps(ids_core(data))
    return json.dumps(canonical(data, preferred))
