"""Statement rules of xAPI 1.0.3, Data part: each case names the rule it checks."""

import copy

import pytest

from learning_records.validation import StatementError, parse_timestamp, validate_statement

from .helpers import make_statement

AGENT = {"objectType": "Agent", "mbox": "mailto:someone@example.org"}
ACCOUNT_AGENT = {"account": {"homePage": "http://example.org", "name": "123"}}
GROUP = {"objectType": "Group", "member": [AGENT]}
ACTIVITY = {"objectType": "Activity", "id": "http://example.org/activity"}
UUID = "1f3d2c4a-5b6e-4f70-8a9b-0c1d2e3f4a5b"
ATTACHMENT = {
    "usageType": "http://example.org/usage",
    "display": {"en-US": "file"},
    "contentType": "text/plain",
    "length": 3,
    "sha2": "a" * 64,
}


def statement_with(path, value):
    """A valid statement with `value` set at a dotted path (None removes the key)."""
    statement = make_statement()
    keys = path.split(".")
    target = statement
    for key in keys[:-1]:
        target = target.setdefault(key, {})
    if value is None:
        target.pop(keys[-1], None)
    else:
        target[keys[-1]] = copy.deepcopy(value)
    return statement


VALID = [
    ("minimal", {}),
    ("uuid id", {"id": UUID}),
    ("uppercase uuid id", {"id": UUID.upper()}),
    ("mbox_sha1sum", {"actor": {"mbox_sha1sum": "a" * 40}}),
    ("openid", {"actor": {"openid": "http://openid.example.org/me"}}),
    ("account", {"actor": ACCOUNT_AGENT}),
    ("anonymous group", {"actor": GROUP}),
    ("identified group without members", {"actor": {"objectType": "Group", "mbox": "mailto:g@example.org"}}),
    ("agent object", {"object": AGENT}),
    ("statement ref", {"object": {"objectType": "StatementRef", "id": UUID}}),
    (
        "substatement",
        {
            "object": {
                "objectType": "SubStatement",
                "actor": AGENT,
                "verb": {"id": "http://example.org/v"},
                "object": ACTIVITY,
            }
        },
    ),
    (
        "score",
        {"result": {"score": {"scaled": -1, "raw": 3, "min": 1, "max": 5}, "success": True, "completion": False}},
    ),
    ("duration", {"result": {"duration": "PT1H30M"}}),
    ("duration in weeks", {"result": {"duration": "P4W"}}),
    ("fractional duration", {"result": {"duration": "PT4.25S"}}),
    ("timestamp with offset", {"timestamp": "2026-11-27T12:00:00.123+01:00"}),
    ("timestamp in Z", {"timestamp": "2026-11-27T12:00:00Z"}),
    ("version 1.0.3", {"version": "1.0.3"}),
    (
        "context",
        {
            "context": {
                "registration": UUID,
                "instructor": AGENT,
                "team": GROUP,
                "language": "fr-FR",
                "platform": "PassInnov",
                "revision": "1",
                "statement": {"objectType": "StatementRef", "id": UUID},
                "contextActivities": {"parent": ACTIVITY, "category": [ACTIVITY]},
                "extensions": {"http://example.org/ext": None},
            }
        },
    ),
    (
        "interaction",
        {
            "object": {
                "id": "http://example.org/q",
                "definition": {
                    "interactionType": "choice",
                    "correctResponsesPattern": ["a"],
                    "choices": [{"id": "a", "description": {"en-US": "A"}}],
                },
            }
        },
    ),
    ("attachment", {"attachments": [ATTACHMENT]}),
    (
        "language tags",
        {"verb": {"id": "http://example.org/v", "display": {"zh-Hant-TW": "x", "en-US": "y", "x-private": "z"}}},
    ),
    ("extensions null values allowed", {"result": {"extensions": {"http://example.org/e": [None, {"a": None}]}}}),
    ("oauth authority", {"authority": {"objectType": "Group", "member": [ACCOUNT_AGENT, AGENT]}}),
]


@pytest.mark.parametrize("label, overrides", VALID, ids=[case[0] for case in VALID])
def test_valid_statements_pass(label, overrides):
    validate_statement(make_statement(**overrides))


INVALID = [
    # (rule, path, value, message fragment)
    ("not an object", None, None, "JSON object"),
    ("id must be a UUID", "id", "not-a-uuid", "id"),
    ("id must be a string", "id", 12, "id"),
    ("unknown top-level property", "foo", "bar", "unknown property 'foo'"),
    ("null value", "result", None, None),
    ("actor required", "actor", None, "'actor' is required"),
    ("verb required", "verb", None, "'verb' is required"),
    ("object required", "object", None, "'object' is required"),
    ("agent needs an IFI", "actor", {"name": "no ifi"}, "inverse functional identifier"),
    (
        "agent has one IFI only",
        "actor",
        {"mbox": "mailto:a@example.org", "openid": "http://o.example.org"},
        "exactly one",
    ),
    ("mbox is a mailto IRI", "actor", {"mbox": "a@example.org"}, "mailto"),
    ("mbox_sha1sum is hex sha1", "actor", {"mbox_sha1sum": "xyz"}, "SHA-1"),
    ("openid is an IRI", "actor", {"openid": "not an iri"}, "IRI"),
    ("account homePage is an IRL", "actor", {"account": {"homePage": "nope", "name": "x"}}, "homePage"),
    ("account needs a name", "actor", {"account": {"homePage": "http://example.org"}}, "'name' is required"),
    ("unknown agent property", "actor", {"mbox": "mailto:a@example.org", "age": 3}, "unknown property 'age'"),
    ("agent objectType", "actor", {"objectType": "Person", "mbox": "mailto:a@example.org"}, "objectType"),
    ("anonymous group needs members", "actor", {"objectType": "Group"}, "members"),
    ("group member cannot be a group", "actor", {"objectType": "Group", "member": [GROUP]}, "cannot contain a Group"),
    (
        "group with two IFIs",
        "actor",
        {"objectType": "Group", "mbox": "mailto:g@example.org", "openid": "http://o.example.org"},
        "exactly one",
    ),
    ("verb id is an IRI", "verb", {"id": "experienced"}, "verb.id"),
    (
        "verb display is a language map",
        "verb",
        {"id": "http://example.org/v", "display": {"not a tag!": "x"}},
        "language tag",
    ),
    ("verb display values are strings", "verb", {"id": "http://example.org/v", "display": {"en-US": 3}}, "string"),
    ("unknown verb property", "verb", {"id": "http://example.org/v", "name": "x"}, "unknown property"),
    ("activity id required", "object", {"objectType": "Activity"}, "'id' is required"),
    ("activity id is an IRI", "object", {"id": "just words"}, "IRI"),
    ("unknown objectType", "object", {"objectType": "Thing", "id": "http://example.org/a"}, "objectType"),
    ("agent object needs objectType", "object", {"mbox": "mailto:a@example.org"}, "unknown property 'mbox'"),
    ("statement ref needs a UUID", "object", {"objectType": "StatementRef", "id": "nope"}, "UUID"),
    ("definition type is an IRI", "object", {"id": "http://example.org/a", "definition": {"type": "no"}}, "type"),
    ("moreInfo is an IRL", "object", {"id": "http://example.org/a", "definition": {"moreInfo": "nope"}}, "moreInfo"),
    (
        "unknown interactionType",
        "object",
        {"id": "http://example.org/a", "definition": {"interactionType": "essay"}},
        "interaction type",
    ),
    (
        "components must fit the interactionType",
        "object",
        {"id": "http://example.org/a", "definition": {"interactionType": "likert", "choices": [{"id": "a"}]}},
        "not allowed",
    ),
    (
        "component ids are unique",
        "object",
        {
            "id": "http://example.org/a",
            "definition": {"interactionType": "choice", "choices": [{"id": "a"}, {"id": "a"}]},
        },
        "duplicate",
    ),
    (
        "extension keys are IRIs",
        "object",
        {"id": "http://example.org/a", "definition": {"extensions": {"key": 1}}},
        "IRI",
    ),
    (
        "substatement cannot nest",
        "object",
        {
            "objectType": "SubStatement",
            "actor": AGENT,
            "verb": {"id": "http://example.org/v"},
            "object": {
                "objectType": "SubStatement",
                "actor": AGENT,
                "verb": {"id": "http://example.org/v"},
                "object": ACTIVITY,
            },
        },
        "SubStatement",
    ),
    (
        "substatement has no id",
        "object",
        {
            "objectType": "SubStatement",
            "id": UUID,
            "actor": AGENT,
            "verb": {"id": "http://example.org/v"},
            "object": ACTIVITY,
        },
        "unknown property 'id'",
    ),
    (
        "substatement has no stored",
        "object",
        {
            "objectType": "SubStatement",
            "stored": "2026-01-01T00:00:00Z",
            "actor": AGENT,
            "verb": {"id": "http://example.org/v"},
            "object": ACTIVITY,
        },
        "unknown property 'stored'",
    ),
    ("voiding needs a StatementRef", "verb", {"id": "http://adlnet.gov/expapi/verbs/voided"}, "StatementRef"),
    ("scaled score within -1..1", "result", {"score": {"scaled": 1.5}}, "between -1 and 1"),
    ("raw not below min", "result", {"score": {"raw": 0, "min": 1}}, "less than min"),
    ("raw not above max", "result", {"score": {"raw": 6, "max": 5}}, "greater than max"),
    ("min not above max", "result", {"score": {"min": 5, "max": 1}}, "min must not be greater"),
    ("score values are numbers", "result", {"score": {"raw": "3"}}, "number"),
    ("success is boolean", "result", {"success": "true"}, "true or false"),
    ("duration is ISO 8601", "result", {"duration": "90 minutes"}, "duration"),
    ("empty duration", "result", {"duration": "PT"}, "duration"),
    ("weeks are not combined with days", "result", {"duration": "P4W1D"}, "duration"),
    (
        "interactionType is a string",
        "object",
        {"id": "http://example.org/a", "definition": {"interactionType": {"a": 1}}},
        "interaction type",
    ),
    ("unknown result property", "result", {"grade": "A"}, "unknown property"),
    ("registration is a UUID", "context", {"registration": "abc"}, "registration"),
    ("team must be a group", "context", {"team": AGENT}, "must be a Group"),
    ("unknown context activity key", "context", {"contextActivities": {"sibling": [ACTIVITY]}}, "unknown property"),
    ("context language is a tag", "context", {"language": "french language"}, "language"),
    ("platform only with an activity object", None, None, "only allowed when the object is an Activity"),
    ("timestamp is ISO 8601", "timestamp", "yesterday", "ISO 8601"),
    ("timestamp date exists", "timestamp", "2026-02-30T10:00:00Z", "valid date"),
    ("timestamp negative zero offset", "timestamp", "2026-11-27T10:00:00-00:00", "negative zero"),
    ("version is 1.0.x", "version", "2.0.0", "1.0.x"),
    (
        "authority group is an OAuth pair",
        "authority",
        {"objectType": "Group", "mbox": "mailto:g@example.org", "member": [AGENT, {"mbox": "mailto:b@example.org"}]},
        "OAuth",
    ),
    (
        "attachment needs sha2",
        "attachments",
        [{k: v for k, v in ATTACHMENT.items() if k != "sha2"}],
        "'sha2' is required",
    ),
    ("attachment length is an integer", "attachments", [dict(ATTACHMENT, length="3")], "length"),
    ("attachment contentType", "attachments", [dict(ATTACHMENT, contentType="text")], "Media Type"),
    ("attachments is an array", "attachments", ATTACHMENT, "array"),
]


@pytest.mark.parametrize("rule, path, value, fragment", INVALID, ids=[case[0] for case in INVALID])
def test_invalid_statements_are_refused_with_a_message(rule, path, value, fragment):
    if rule == "not an object":
        statement = ["not", "an", "object"]
    elif rule == "null value":
        statement = make_statement()
        statement["result"] = None
        fragment = "must not be null"
    elif rule == "platform only with an activity object":
        statement = make_statement(object=AGENT, context={"platform": "PassInnov"})
    else:
        statement = statement_with(path, value)
    with pytest.raises(StatementError) as error:
        validate_statement(statement)
    if fragment:
        assert fragment in str(error.value)


def test_deep_nesting_and_infinite_numbers_are_refused():
    deep = {}
    node = deep
    for _ in range(100):
        node["a"] = {}
        node = node["a"]
    with pytest.raises(StatementError, match="nested"):
        validate_statement(make_statement(result={"extensions": {"http://example.org/e": deep}}))
    with pytest.raises(StatementError, match="finite"):
        validate_statement(make_statement(result={"extensions": {"http://example.org/e": float("inf")}}))
    with pytest.raises(StatementError, match="IRI"):
        validate_statement(make_statement(verb={"id": "http://example.org/\x00"}))


def test_timestamps_keep_their_offset_and_precision():
    value = parse_timestamp("2026-11-27T12:00:00.123456+01:00")
    assert value.utcoffset().total_seconds() == 3600
    assert value.microsecond == 123456
