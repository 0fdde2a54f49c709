"""Statements as received: their exact JSON text and parsed value, the LRS's additions to that text, and the
statement comparison of xAPI 1.0.3 (Data 2.3.1). Pure functions, no database: shared by the write side (store.py)
and the read side (query.py, api.py, attachments.py, documents.py).
"""

import copy
import json
from datetime import UTC
from decimal import Decimal

from .validation import StatementError, parse_timestamp

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


def exact_text(item, additions, replaced, serialised=None):
    """The received text with the LRS's properties added; re-serialised only when one was replaced.
    `serialised`: the JSON text of some of the additions, when the caller already has it."""
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
    serialised = serialised or {}
    head = ",".join(
        f"{json.dumps(k)}:{serialised[k] if k in serialised else json.dumps(v)}" for k, v in additions.items()
    )
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
