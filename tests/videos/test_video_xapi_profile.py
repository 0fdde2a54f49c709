"""docs/xapi-profile.md, "Videos (xAPI Video Profile)": the examples validate and match videos/xapi.py.

The examples were sent by the real player (see the section); tests/browser/test_video_xapi.py checks that the
player still sends the same extensions for each verb (`documented_extension_keys`).
"""

import json
import re
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import RequestFactory, override_settings

from learning_records.validation import validate_statement
from parcours.models import ModulePage
from videos.models import VideoPage
from videos.xapi import EXTENSIONS, PROFILE, VERBS, player_config

DOC = Path(__file__).resolve().parents[2] / "docs" / "xapi-profile.md"
EXAMPLE_BASE = "https://passinnov.example.gouv.fr"
pytestmark = pytest.mark.django_db  # Wagtail pages look their content type up

BLOCK = re.compile(r"<!-- video-example:(?P<key>[a-z]+) -->\n```json\n(?P<json>.*?)\n```", re.S)


def documented():
    return {m["key"]: json.loads(m["json"]) for m in BLOCK.finditer(DOC.read_text(encoding="utf-8"))}


def documented_extension_keys():
    """verb IRI -> (context extension IRIs, result extension IRIs) of the documented example."""
    keys = {}
    for statement in documented().values():
        context = set(statement["context"].get("extensions", {}))
        result = set(statement.get("result", {}).get("extensions", {}))
        keys[statement["verb"]["id"]] = (context, result)
    return keys


def example_config():
    module = ModulePage(title="Intelligence collective", live=True)
    module.activity_uuid = uuid.UUID("6d1f7c1e-3b7a-4e0c-9a57-0f3d2e1b4c55")
    video = VideoPage(title="Le PassInnov en bref", related_module=module)
    video.activity_uuid = uuid.UUID("5a7b9c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d")
    request = RequestFactory().get("/videos/passinnov-en-bref/")
    request.user = SimpleNamespace(is_authenticated=True, pk=None, xapi_account_name="3f6c1e0a9b2d4c7e8f1a2b3c4d5e6f70")
    with override_settings(PASSINNOV_BASE_URL=EXAMPLE_BASE):
        return player_config(video, request)


def test_the_section_has_one_example_per_verb_of_the_player():
    assert set(documented()) == set(VERBS)


@pytest.mark.parametrize("key", sorted(VERBS))
def test_every_example_validates_and_uses_the_players_settings(key):
    statement = documented()[key]
    validate_statement(statement)
    config = example_config()
    assert statement["verb"] == config["verbs"][key]
    assert statement["actor"] == config["actor"]
    assert statement["object"] == config["object"]
    context = statement["context"]
    assert context["contextActivities"] == config["contextActivities"]
    assert [item["id"] for item in context["contextActivities"]["category"]] == [PROFILE]
    assert (context["platform"], context["language"]) == (config["platform"], config["language"])
    assert context["extensions"][EXTENSIONS["session-id"]] == context["registration"]
    used = set(context["extensions"]) | set(statement.get("result", {}).get("extensions", {}))
    assert used <= set(EXTENSIONS.values())
    if key == "completed":
        assert statement["result"]["completion"] is True
        assert statement["result"]["extensions"][EXTENSIONS["progress"]] >= config["completionThreshold"]


def test_every_extension_the_player_knows_is_documented():
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## Videos (xAPI Video Profile)") :]
    for name in EXTENSIONS:
        assert f"`{name}`" in section, name
