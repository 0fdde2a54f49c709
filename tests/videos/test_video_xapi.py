"""The video page gives its player what it needs to send xAPI Video Profile statements (videos/xapi.py)."""

import json
import re
import uuid
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client, RequestFactory
from django.utils import timezone

from learning_records.models import Statement
from progress.models import Progress
from videos.models import VideoPage
from videos.xapi import EXTENSIONS, PROFILE, STATE_ID, VERBS, player_config

pytestmark = pytest.mark.django_db

CONFIG = re.compile(r'<script id="video-xapi-config" type="application/json">(?P<json>.*?)</script>', re.S)
ENDPOINT = "/xapi/statements"


@pytest.fixture
def video_page():
    return VideoPage.objects.live().select_related("related_module").get(slug="passinnov-en-bref")


def config_of(response):
    match = CONFIG.search(response.content.decode())
    assert match, "the page has no player configuration"
    return json.loads(match["json"])


def test_the_video_page_gives_the_player_its_settings_and_a_local_script(agent_client, agent, video_page):
    response = agent_client.get(video_page.url)
    assert response.status_code == 200
    html = response.content.decode()
    config = config_of(response)

    assert config["endpoint"] == ENDPOINT
    assert config["version"] == "1.0.3"
    assert config["actor"]["account"] == {"homePage": settings.PASSINNOV_BASE_URL, "name": agent.xapi_account_name}
    assert "mbox" not in json.dumps(config["actor"]) and agent.email not in html.split("video-xapi-config")[1]
    assert config["object"]["id"] == video_page.xapi_activity_id
    assert config["object"]["definition"]["type"] == "https://w3id.org/xapi/video/activity-type/video"
    assert config["object"]["definition"]["name"]["fr-FR"] == video_page.title
    assert [item["id"] for item in config["contextActivities"]["category"]] == [PROFILE]
    assert config["contextActivities"]["parent"][0]["id"] == video_page.related_module.xapi_activity_id
    assert {key: verb["id"] for key, verb in config["verbs"].items()} == {k: v[0] for k, v in VERBS.items()}
    assert config["completionThreshold"] == 0.95
    assert len(config["csrfToken"]) == 64
    # The player finds its <video> by the activity id.
    assert f'data-xapi-activity="{video_page.xapi_activity_id}"' in html

    # The script is a local static file (no CDN, no inline script), and it exists.
    src = static("videos/xapi-video.js")
    assert f'<script src="{src}" defer></script>' in html
    assert src.startswith(settings.STATIC_URL) and "//" not in src
    path = finders.find("videos/xapi-video.js")
    assert path, "videos/xapi-video.js is not served"
    script = open(path, encoding="utf-8").read()
    assert "video-xapi-config" in script and "X-Experience-API-Version" in script and "keepalive" in script
    # It only talks to the endpoint it is given (the browser test checks no other host is ever called).
    assert script.count("fetch(") == 1 and "window.fetch(url," in script and "import " not in script
    assert "request(config.endpoint," in script and "request(stateUrl()," in script and "state.endpoint +" in script


def test_nothing_is_recorded_without_an_xapi_account_or_in_a_preview(agent, video_page):
    request = RequestFactory().get(video_page.url)
    request.user = agent
    assert player_config(video_page, request) is not None
    request.is_preview = True
    assert player_config(video_page, request) is None

    request = RequestFactory().get(video_page.url)
    request.user = agent
    agent.xapi_account_name = ""
    assert player_config(video_page, request) is None


def test_a_video_without_a_published_module_has_no_parent(agent, video_page):
    request = RequestFactory().get(video_page.url)
    request.user = agent
    video_page.related_module = None
    assert "parent" not in player_config(video_page, request)["contextActivities"]


def player_statement(config, verb, **result):
    """A statement shaped as videos/static/videos/xapi-video.js shapes it."""
    session = str(uuid.uuid4())
    statement = {
        "id": str(uuid.uuid4()),
        "actor": config["actor"],
        "verb": config["verbs"][verb],
        "object": config["object"],
        "context": {
            "registration": session,
            "platform": config["platform"],
            "language": config["language"],
            "contextActivities": config["contextActivities"],
            "extensions": {EXTENSIONS["session-id"]: session, EXTENSIONS["length"]: 12.1},
        },
        "timestamp": timezone.now().isoformat(timespec="milliseconds"),
    }
    if result:
        statement["result"] = result
    return statement


def test_the_api_stores_the_players_statements_untrusted_and_they_complete_nothing(agent, video_page):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    config = config_of(client.get(video_page.url))
    completed = player_statement(
        config,
        "completed",
        completion=True,
        duration="PT12.1S",
        extensions={EXTENSIONS["time"]: 12.1, EXTENSIONS["progress"]: 1, EXTENSIONS["played-segments"]: "0[.]12.1"},
    )
    headers = {"X-CSRFToken": config["csrfToken"], "X-Experience-API-Version": config["version"]}

    # Without the CSRF token, or about another agent: refused, nothing stored.
    response = client.post(
        ENDPOINT,
        json.dumps([completed]),
        content_type="application/json",
        headers={"X-Experience-API-Version": "1.0.3"},
    )
    assert response.status_code == 403
    other = dict(
        completed,
        actor={"objectType": "Agent", "account": {"homePage": settings.PASSINNOV_BASE_URL, "name": "someone-else"}},
    )
    response = client.post(ENDPOINT, json.dumps([other]), content_type="application/json", headers=headers)
    assert response.status_code == 403
    assert not Statement.objects.filter(statement_id__in=[completed["id"]]).exists()

    # As the player sends it: stored once (a retry is idempotent), untrusted, and the module is not completed.
    for _attempt in range(2):
        response = client.post(ENDPOINT, json.dumps([completed]), content_type="application/json", headers=headers)
        assert response.status_code == 200, response.content
        assert response.json() == [completed["id"]]
    row = Statement.objects.get(statement_id=completed["id"])
    assert not row.trusted and row.object_activity_id == video_page.xapi_activity_id
    assert row.verb_id == VERBS["completed"][0]
    progress = Progress.objects.filter(user=agent, module=video_page.related_module).first()
    assert progress is None or (progress.completed == 0 and not progress.is_completed)


def test_the_video_page_costs_the_same_whatever_the_agents_statements(
    agent_client, agent, video_page, django_assert_max_num_queries
):
    from tests.home.editorial import count_queries

    first = count_queries(agent_client, video_page.url)
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    config = config_of(client.get(video_page.url))
    batch = [player_statement(config, "played", extensions={EXTENSIONS["time"]: n}) for n in range(20)]
    response = client.post(
        ENDPOINT,
        json.dumps(batch),
        content_type="application/json",
        headers={"X-CSRFToken": config["csrfToken"], "X-Experience-API-Version": "1.0.3"},
    )
    assert response.status_code == 200
    with django_assert_max_num_queries(first):
        assert agent_client.get(video_page.url).status_code == 200


def state_params(agent, video_page):
    own = {"objectType": "Agent", "account": {"homePage": settings.PASSINNOV_BASE_URL, "name": agent.xapi_account_name}}
    return urlencode({"activityId": video_page.xapi_activity_id, "agent": json.dumps(own), "stateId": STATE_ID})


def test_the_page_gives_the_player_where_the_agent_stopped(agent, video_page):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    response = client.get(video_page.url)
    config = config_of(response)
    assert config["state"]["endpoint"] == "/xapi/activities/state"
    assert config["state"]["stateId"] == STATE_ID == PROFILE
    assert config["state"]["saved"] is None
    assert config["state"]["units"] == {"hours": "h", "minutes": "min", "seconds": "s"}
    assert 'id="video-resume"' not in response.content.decode()

    # The player saves where the agent is, as the Video Profile names things, with the session and CSRF token.
    document = {EXTENSIONS["time"]: 42.5, EXTENSIONS["played-segments"]: "0[.]42.5", EXTENSIONS["progress"]: 0.35}
    headers = {"X-CSRFToken": config["csrfToken"], "X-Experience-API-Version": "1.0.3"}
    url = f"{config['state']['endpoint']}?{state_params(agent, video_page)}"
    assert client.put(url, json.dumps(document), content_type="application/json", headers=headers).status_code == 204

    response = client.get(video_page.url)
    assert config_of(response)["state"]["saved"] == document
    html = response.content.decode()
    assert 'id="video-resume"' in html and "hidden" in html.split('id="video-resume"')[1].split(">")[0]
    assert "Reprendre à" in html and "Reprendre depuis le début" in html
    # Another agent's page shows nothing of it.
    other = Client()
    other.force_login(type(agent).objects.get(username="agent2"))
    assert config_of(other.get(video_page.url))["state"]["saved"] is None
