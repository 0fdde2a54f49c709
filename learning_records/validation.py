"""Validation of xAPI 1.0.3 statements (the specification's Data part).

`validate_statement(data)` raises StatementError with an English message that names the faulty property;
the API answers it with 400. Nothing here touches the database.
"""

import math
import re
import uuid
from datetime import UTC, datetime, timedelta, timezone
from math import isfinite

from .vocabulary import VOIDED as VOIDED_VERB

SUPPORTED_VERSION = re.compile(r"^1\.0(\.\d+)?$")

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", re.I)
IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s\x00-\x1f\x7f<>\"{}|\\^`]+$")
IRL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://[^\s\x00-\x1f\x7f<>\"{}|\\^`]+$")
MBOX_RE = re.compile(r"^mailto:[^@\s]+@[^@\s]+$")
SHA1_RE = re.compile(r"^[0-9a-fA-F]{40}$")
SHA2_RE = re.compile(r"^([0-9a-fA-F]{56}|[0-9a-fA-F]{64}|[0-9a-fA-F]{96}|[0-9a-fA-F]{128})$")
LANGUAGE_TAG_RE = re.compile(
    r"^(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"  # language
    r"(?:-[A-Za-z]{4})?"  # script
    r"(?:-(?:[A-Za-z]{2}|\d{3}))?"  # region
    r"(?:-(?:[A-Za-z0-9]{5,8}|\d[A-Za-z0-9]{3}))*"  # variants
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"  # extensions
    r"(?:-[xX](?:-[A-Za-z0-9]{1,8})+)?$"  # private use
    r"|^[xX](?:-[A-Za-z0-9]{1,8})+$"
    r"|^(?:i-[A-Za-z]{3,8}|en-GB-oed|sgn-[A-Za-z]{2}-[A-Za-z]{2,3})$"
)
TIMESTAMP_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?"
    r"(Z|z|[+-]\d{2}(?::?\d{2})?)?$"
)
DURATION_RE = re.compile(
    r"^P(?:\d+(?:[.,]\d+)?W"  # weeks cannot be combined with other units (ISO 8601 4.4.3.2)
    r"|(?!$)(\d+(?:[.,]\d+)?Y)?(\d+(?:[.,]\d+)?M)?(\d+(?:[.,]\d+)?D)?"
    r"(T(?=\d)(\d+(?:[.,]\d+)?H)?(\d+(?:[.,]\d+)?M)?(\d+(?:[.,]\d+)?S)?)?)$"
)
MIME_RE = re.compile(r"^[\w.+\-!#$&^]+/[\w.+\-!#$&^]+(\s*;.*)?$")

INTERACTION_TYPES = {
    "true-false": (),
    "choice": ("choices",),
    "fill-in": (),
    "long-fill-in": (),
    "matching": ("source", "target"),
    "performance": ("steps",),
    "sequencing": ("choices",),
    "likert": ("scale",),
    "numeric": (),
    "other": (),
}
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
CONTEXT_ACTIVITY_KEYS = ("parent", "grouping", "category", "other")
STATEMENT_KEYS = frozenset(
    ("id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority", "version", "attachments")
)
SUBSTATEMENT_KEYS = frozenset(
    ("objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments")
)
CONTEXT_KEYS = frozenset(
    ("registration", "instructor", "team", "contextActivities", "revision", "platform", "language", "statement")
    + ("extensions",)
)
DEFINITION_KEYS = frozenset(
    ("name", "description", "type", "moreInfo", "interactionType", "correctResponsesPattern", "extensions")
    + COMPONENT_LISTS
)
ATTACHMENT_KEYS = frozenset(("usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"))
AGENT_KEYS = frozenset(("objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"))
GROUP_KEYS = AGENT_KEYS | {"member"}
ACTIVITY_KEYS = frozenset(("objectType", "id", "definition"))
CONTEXT_ACTIVITY_KEY_SET = frozenset(CONTEXT_ACTIVITY_KEYS)

# Values already found valid, by pattern: a batch repeats the same IRIs and language tags, and a set look-up
# is cheaper than the regular expression. Only valid values are kept; each set is emptied when it grows past
# MATCH_CACHE_SIZE, so hostile input cannot make it grow without bound.
MATCH_CACHE_SIZE = 4096
_matched = {}


def matches(pattern, value):
    """pattern.match(value) for a str `value`, remembering the values that match."""
    seen = _matched.get(pattern)
    if seen is None:
        seen = _matched[pattern] = set()
    elif value in seen:
        return True
    if pattern.match(value) is None:
        return False
    if len(seen) >= MATCH_CACHE_SIZE:
        seen.clear()
    seen.add(value)
    return True


class StatementError(ValueError):
    """An invalid statement or request: the API answers 400 with this message."""

    status = 400


class StatementConflict(StatementError):
    """A statement id already stored with different content: 409."""

    status = 409


class StatementForbidden(StatementError):
    """The caller may not store this statement (e.g. a browser writing about someone else): 403."""

    status = 403


def fail(path, message):
    raise StatementError(f"{path}: {message}" if path else message)


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def expect_object(value, path):
    if not isinstance(value, dict):
        fail(path, "must be a JSON object")


def expect_string(value, path, allow_empty=True):
    if not isinstance(value, str):
        fail(path, "must be a string")
    if not allow_empty and not value:
        fail(path, "must not be empty")


def only_keys(obj, allowed, path):
    for key in obj:
        if key not in allowed:
            fail(path, f"unknown property {key!r}")
        if obj[key] is None:
            fail(f"{path}.{key}", "must not be null")


def require(obj, key, path):
    if key not in obj:
        fail(path, f"{key!r} is required")


def check_uuid(value, path):
    if not isinstance(value, str) or not UUID_RE.match(value):
        fail(path, "must be a UUID string (RFC 4122)")


def check_iri(value, path):
    if not isinstance(value, str) or not matches(IRI_RE, value):
        fail(path, "must be an absolute IRI")


def check_irl(value, path):
    if not isinstance(value, str) or not matches(IRL_RE, value):
        fail(path, "must be an IRL (an absolute URL)")


def parse_timestamp(value, path="timestamp"):
    """Parse an ISO 8601 timestamp; a missing offset means UTC; '-00:00' is refused (RFC 3339)."""
    if not isinstance(value, str):
        fail(path, "must be an ISO 8601 timestamp string")
    match = TIMESTAMP_RE.match(value)
    if not match:
        fail(path, f"{value!r} is not an ISO 8601 timestamp")
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    if offset and offset.startswith("-") and set(offset[1:].replace(":", "")) == {"0"}:
        fail(path, "a negative zero offset (-00:00) is not allowed")
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    if offset in (None, "Z", "z"):
        tz = UTC
    else:
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
        if hours > 23 or minutes > 59:
            fail(path, f"{value!r} has an invalid offset")
        tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
    try:
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tzinfo=tz)
    except ValueError:
        fail(path, f"{value!r} is not a valid date and time")


def check_duration(value, path):
    if not isinstance(value, str) or not DURATION_RE.match(value) or value.endswith("T"):
        fail(path, "must be an ISO 8601 duration")


def check_language_map(value, path):
    expect_object(value, path)
    for tag, text in value.items():
        if not matches(LANGUAGE_TAG_RE, tag):
            fail(path, f"{tag!r} is not an RFC 5646 language tag")
        if not isinstance(text, str):
            fail(f"{path}.{tag}", "must be a string")


def check_extensions(value, path):
    expect_object(value, path)
    for key in value:
        check_iri(key, f"{path} key {key!r}")


def check_account(value, path):
    expect_object(value, path)
    only_keys(value, {"homePage", "name"}, path)
    require(value, "homePage", path)
    require(value, "name", path)
    check_irl(value["homePage"], f"{path}.homePage")
    expect_string(value["name"], f"{path}.name")


IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")


def check_ifis(value, path, required):
    present = [key for key in IFI_KEYS if key in value]
    if len(present) > 1:
        fail(path, f"must have exactly one inverse functional identifier, not {len(present)} ({', '.join(present)})")
    if required and not present:
        fail(path, "must have an inverse functional identifier (mbox, mbox_sha1sum, openid or account)")
    if "mbox" in value and (not isinstance(value["mbox"], str) or not MBOX_RE.match(value["mbox"])):
        fail(f"{path}.mbox", "must be a mailto: IRI")
    if "mbox_sha1sum" in value and (
        not isinstance(value["mbox_sha1sum"], str) or not SHA1_RE.match(value["mbox_sha1sum"])
    ):
        fail(f"{path}.mbox_sha1sum", "must be the hex SHA-1 of a mailto: IRI")
    if "openid" in value:
        check_iri(value["openid"], f"{path}.openid")
    if "account" in value:
        check_account(value["account"], f"{path}.account")
    return bool(present)


def check_agent(value, path, object_type_required=False):
    expect_object(value, path)
    only_keys(value, AGENT_KEYS, path)
    if object_type_required:
        require(value, "objectType", path)
    if "objectType" in value and value["objectType"] != "Agent":
        fail(f"{path}.objectType", "must be 'Agent'")
    if "name" in value:
        expect_string(value["name"], f"{path}.name")
    check_ifis(value, path, required=True)


def check_group(value, path):
    expect_object(value, path)
    only_keys(value, GROUP_KEYS, path)
    if value.get("objectType") != "Group":
        fail(f"{path}.objectType", "must be 'Group'")
    if "name" in value:
        expect_string(value["name"], f"{path}.name")
    identified = check_ifis(value, path, required=False)
    if not identified and "member" not in value:
        fail(path, "an anonymous Group must list its members")
    if "member" in value:
        members = value["member"]
        if not isinstance(members, list):
            fail(f"{path}.member", "must be an array of Agents")
        if not identified and not members:
            fail(f"{path}.member", "an anonymous Group must have at least one member")
        for index, member in enumerate(members):
            expect_object(member, f"{path}.member[{index}]")
            if member.get("objectType") == "Group":
                fail(f"{path}.member[{index}]", "a Group cannot contain a Group")
            check_agent(member, f"{path}.member[{index}]")
    return identified


def check_actor(value, path):
    expect_object(value, path)
    if value.get("objectType") == "Group":
        check_group(value, path)
    else:
        check_agent(value, path)


def check_authority(value, path="authority"):
    expect_object(value, path)
    if value.get("objectType") == "Group":
        identified = check_group(value, path)
        members = value.get("member", [])
        if identified or len(members) != 2 or not any("account" in member for member in members):
            fail(path, "a Group authority must be an anonymous OAuth pair of two Agents (one identified by account)")
    else:
        check_agent(value, path)


def check_verb(value, path="verb"):
    expect_object(value, path)
    only_keys(value, {"id", "display"}, path)
    require(value, "id", path)
    check_iri(value["id"], f"{path}.id")
    if "display" in value:
        check_language_map(value["display"], f"{path}.display")


def check_interaction_components(value, path):
    if not isinstance(value, list):
        fail(path, "must be an array of interaction components")
    seen = set()
    for index, component in enumerate(value):
        cpath = f"{path}[{index}]"
        expect_object(component, cpath)
        only_keys(component, {"id", "description"}, cpath)
        require(component, "id", cpath)
        expect_string(component["id"], f"{cpath}.id", allow_empty=False)
        if component["id"] in seen:
            fail(cpath, f"duplicate interaction component id {component['id']!r}")
        seen.add(component["id"])
        if "description" in component:
            check_language_map(component["description"], f"{cpath}.description")


def check_activity_definition(value, path):
    expect_object(value, path)
    only_keys(value, DEFINITION_KEYS, path)
    for key in ("name", "description"):
        if key in value:
            check_language_map(value[key], f"{path}.{key}")
    if "type" in value:
        check_iri(value["type"], f"{path}.type")
    if "moreInfo" in value:
        check_irl(value["moreInfo"], f"{path}.moreInfo")
    if "extensions" in value:
        check_extensions(value["extensions"], f"{path}.extensions")
    interaction_type = value.get("interactionType")
    if interaction_type is not None and (
        not isinstance(interaction_type, str) or interaction_type not in INTERACTION_TYPES
    ):
        fail(f"{path}.interactionType", f"{interaction_type!r} is not an xAPI interaction type")
    if "correctResponsesPattern" in value:
        if interaction_type is None:
            fail(f"{path}.correctResponsesPattern", "needs an interactionType")
        pattern = value["correctResponsesPattern"]
        if not isinstance(pattern, list) or not all(isinstance(item, str) for item in pattern):
            fail(f"{path}.correctResponsesPattern", "must be an array of strings")
    for key in COMPONENT_LISTS:
        if key in value:
            if interaction_type is None or key not in INTERACTION_TYPES[interaction_type]:
                fail(f"{path}.{key}", f"is not allowed for interactionType {interaction_type!r}")
            check_interaction_components(value[key], f"{path}.{key}")


def check_activity(value, path):
    expect_object(value, path)
    only_keys(value, ACTIVITY_KEYS, path)
    if "objectType" in value and value["objectType"] != "Activity":
        fail(f"{path}.objectType", "must be 'Activity'")
    require(value, "id", path)
    check_iri(value["id"], f"{path}.id")
    if "definition" in value:
        check_activity_definition(value["definition"], f"{path}.definition")


def check_statement_ref(value, path):
    expect_object(value, path)
    only_keys(value, {"objectType", "id"}, path)
    if value.get("objectType") != "StatementRef":
        fail(f"{path}.objectType", "must be 'StatementRef'")
    require(value, "id", path)
    check_uuid(value["id"], f"{path}.id")


def check_object(value, path, in_substatement=False):
    expect_object(value, path)
    object_type = value.get("objectType", "Activity")
    if object_type == "Activity":
        check_activity(value, path)
    elif object_type == "Agent":
        check_agent(value, path, object_type_required=True)
    elif object_type == "Group":
        check_group(value, path)
    elif object_type == "StatementRef":
        check_statement_ref(value, path)
    elif object_type == "SubStatement":
        if in_substatement:
            fail(path, "a SubStatement cannot contain a SubStatement")
        check_substatement(value, path)
    else:
        fail(f"{path}.objectType", f"{object_type!r} is not a valid objectType")


def check_score(value, path):
    expect_object(value, path)
    only_keys(value, {"scaled", "raw", "min", "max"}, path)
    for key in value:
        if not is_number(value[key]):
            fail(f"{path}.{key}", "must be a number")
    if "scaled" in value and not -1 <= value["scaled"] <= 1:
        fail(f"{path}.scaled", "must be between -1 and 1")
    low, high, raw = value.get("min"), value.get("max"), value.get("raw")
    if low is not None and high is not None and low > high:
        fail(path, "min must not be greater than max")
    if raw is not None and low is not None and raw < low:
        fail(f"{path}.raw", "must not be less than min")
    if raw is not None and high is not None and raw > high:
        fail(f"{path}.raw", "must not be greater than max")


def check_result(value, path):
    expect_object(value, path)
    only_keys(value, {"score", "success", "completion", "response", "duration", "extensions"}, path)
    if "score" in value:
        check_score(value["score"], f"{path}.score")
    for key in ("success", "completion"):
        if key in value and not isinstance(value[key], bool):
            fail(f"{path}.{key}", "must be true or false")
    if "response" in value:
        expect_string(value["response"], f"{path}.response")
    if "duration" in value:
        check_duration(value["duration"], f"{path}.duration")
    if "extensions" in value:
        check_extensions(value["extensions"], f"{path}.extensions")


def check_context(value, path, object_is_activity):
    expect_object(value, path)
    only_keys(value, CONTEXT_KEYS, path)
    if "registration" in value:
        check_uuid(value["registration"], f"{path}.registration")
    if "instructor" in value:
        check_actor(value["instructor"], f"{path}.instructor")
    if "team" in value:
        team = value["team"]
        expect_object(team, f"{path}.team")
        if team.get("objectType") != "Group":
            fail(f"{path}.team", "must be a Group")
        check_group(team, f"{path}.team")
    if "contextActivities" in value:
        activities = value["contextActivities"]
        cpath = f"{path}.contextActivities"
        expect_object(activities, cpath)
        only_keys(activities, CONTEXT_ACTIVITY_KEY_SET, cpath)
        for key, items in activities.items():
            items = items if isinstance(items, list) else [items]
            for index, activity in enumerate(items):
                check_activity(activity, f"{cpath}.{key}[{index}]")
    for key in ("revision", "platform"):
        if key in value:
            expect_string(value[key], f"{path}.{key}")
            if not object_is_activity:
                fail(f"{path}.{key}", "is only allowed when the object is an Activity")
    if "language" in value:
        if not isinstance(value["language"], str) or not matches(LANGUAGE_TAG_RE, value["language"]):
            fail(f"{path}.language", "must be an RFC 5646 language tag")
    if "statement" in value:
        check_statement_ref(value["statement"], f"{path}.statement")
    if "extensions" in value:
        check_extensions(value["extensions"], f"{path}.extensions")


def check_attachments(value, path="attachments"):
    if not isinstance(value, list):
        fail(path, "must be an array")
    for index, attachment in enumerate(value):
        apath = f"{path}[{index}]"
        expect_object(attachment, apath)
        only_keys(attachment, ATTACHMENT_KEYS, apath)
        for key in ("usageType", "display", "contentType", "length", "sha2"):
            require(attachment, key, apath)
        check_iri(attachment["usageType"], f"{apath}.usageType")
        check_language_map(attachment["display"], f"{apath}.display")
        if "description" in attachment:
            check_language_map(attachment["description"], f"{apath}.description")
        if not isinstance(attachment["contentType"], str) or not MIME_RE.match(attachment["contentType"]):
            fail(f"{apath}.contentType", "must be an Internet Media Type")
        if (
            not isinstance(attachment["length"], int)
            or isinstance(attachment["length"], bool)
            or attachment["length"] < 0
        ):
            fail(f"{apath}.length", "must be a non-negative integer")
        if not isinstance(attachment["sha2"], str) or not SHA2_RE.match(attachment["sha2"]):
            fail(f"{apath}.sha2", "must be a hex SHA-2 hash")
        if "fileUrl" in attachment:
            check_irl(attachment["fileUrl"], f"{apath}.fileUrl")


def check_core(value, path, in_substatement):
    """Properties shared by statements and SubStatements."""
    for key in ("actor", "verb", "object"):
        require(value, key, path or "statement")
    prefix = f"{path}." if path else ""
    check_actor(value["actor"], f"{prefix}actor")
    check_verb(value["verb"], f"{prefix}verb")
    check_object(value["object"], f"{prefix}object", in_substatement=in_substatement)
    obj = value["object"]
    if value["verb"]["id"] == VOIDED_VERB and obj.get("objectType") != "StatementRef":
        fail(f"{prefix}object", "a voiding statement's object must be a StatementRef")
    if "result" in value:
        check_result(value["result"], f"{prefix}result")
    if "context" in value:
        check_context(value["context"], f"{prefix}context", obj.get("objectType", "Activity") == "Activity")
    if "timestamp" in value:
        parse_timestamp(value["timestamp"], f"{prefix}timestamp")
    if "attachments" in value:
        check_attachments(value["attachments"], f"{prefix}attachments")


def check_substatement(value, path):
    only_keys(value, SUBSTATEMENT_KEYS, path)
    check_core(value, path, in_substatement=True)


MAX_DEPTH = 64


def check_json_values(value):
    """Whole-document limits: nesting depth (also inside extensions) and finite numbers (1e400 is not).

    The document itself is at depth 1, each value inside an object or array one level deeper; a value deeper
    than MAX_DEPTH fails."""

    def walk(item, depth):
        children = item.values() if isinstance(item, dict) else item
        if children and depth >= MAX_DEPTH:
            fail("", f"the statement is nested more than {MAX_DEPTH} levels deep")
        for child in children:
            if type(child) is str:  # most values: nothing to check (the same test as below, only faster)
                continue
            if isinstance(child, (dict, list)):
                walk(child, depth + 1)
            elif isinstance(child, float) and not isfinite(child):
                fail("", "numbers must be finite")

    if isinstance(value, (dict, list)):
        walk(value, 1)
    elif isinstance(value, float) and not math.isfinite(value):
        fail("", "numbers must be finite")


def validate_statement(value):
    """Raise StatementError when `value` (a parsed statement) breaks a rule of xAPI 1.0.3."""
    if not isinstance(value, dict):
        fail("", "a statement must be a JSON object")
    check_json_values(value)
    only_keys(value, STATEMENT_KEYS, "statement")
    if "id" in value:
        check_uuid(value["id"], "id")
    check_core(value, "", in_substatement=False)
    if "stored" in value:
        parse_timestamp(value["stored"], "stored")
    if "authority" in value:
        check_authority(value["authority"])
    if "version" in value:
        if not isinstance(value["version"], str) or not SUPPORTED_VERSION.match(value["version"]):
            fail("version", "must be a 1.0.x version")


def normalise_uuid(value):
    return str(uuid.UUID(value))
