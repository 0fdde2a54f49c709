"""The video player sends xAPI Video Profile statements from the agent's browser (videos/static/videos/xapi-video.js).

One test function: every browser test reloads the demo into a fresh live database, which costs seconds.
"""

import re
import time

import pytest

from learning_records.models import Statement
from progress.models import Progress
from tests.conftest import csp_violations, sign_in
from tests.videos.test_video_xapi_profile import documented_extension_keys
from videos.models import VideoPage
from videos.xapi import EXTENSIONS, PROFILE, VERBS

pytestmark = pytest.mark.browser

QUEUE_KEY = "passinnov.xapi-video.queue"
VIDEO = "document.querySelector('video[data-xapi-activity]')"
SET_VISIBILITY = """(state) => {
    Object.defineProperty(document, "visibilityState", {value: state, configurable: true});
    document.dispatchEvent(new Event("visibilitychange"));
}"""
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d)$")


def wait_for(predicate, timeout=15, message="condition not met"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(message)


def queued(page):
    return page.evaluate(f"() => JSON.parse(sessionStorage.getItem('{QUEUE_KEY}') || '[]')")


def test_player_sends_video_profile_statements_that_never_complete_the_module(page, demo_user):
    agent = demo_user("agent")
    video_page = VideoPage.objects.live().select_related("related_module").get(slug="passinnov-en-bref")
    module = video_page.related_module
    url = video_page.get_url()
    mine = Statement.objects.filter(
        actor_account_name=agent.xapi_account_name, object_activity_id=video_page.xapi_activity_id
    )

    # 1. The network fails: the player keeps its statements in sessionStorage and nothing is stored.
    sign_in(page, "agent", next_url="/")
    page.route("**/xapi/statements", lambda route: route.fulfill(status=503, body=""))
    page.goto(url)
    wait_for(lambda: queued(page), message="initialized was not kept while the network was down")
    # The page is hidden (a real navigation's keepalive request would escape Playwright's routing).
    page.evaluate("() => window.dispatchEvent(new PageTransitionEvent('pagehide'))")
    lost = wait_for(lambda: len(queued(page)) == 2 and queued(page), message="terminated was not kept")
    assert [item["verb"]["id"] for item in lost] == [VERBS["initialized"][0], VERBS["terminated"][0]]
    assert not mine.exists()
    page.goto("/")  # a page without player: no retry is pending any more

    # 2. The network is back: the next video page sends what was kept, once.
    page.unroute("**/xapi/statements")
    assert len(queued(page)) == 2
    errors, answers = [], []
    page.on("console", lambda message: errors.append(message.text) if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda response: "/xapi/statements" in response.url and answers.append(response.status))
    page.goto(url)
    lost_ids = {item["id"] for item in lost}
    wait_for(lambda: mine.filter(statement_id__in=lost_ids).count() == 2, message="the kept statements were not sent")

    # 3. The agent watches the video: play (fast, muted), pause, seek back, play to the end.
    page.wait_for_function(f"() => {VIDEO}.readyState >= 1")
    page.evaluate(f"() => {{ const v = {VIDEO}; v.muted = true; v.playbackRate = 8; return v.play(); }}")
    page.wait_for_function(f"() => {VIDEO}.currentTime > 3")
    page.evaluate(f"() => {VIDEO}.pause()")
    page.evaluate(f"() => {{ {VIDEO}.currentTime = 1; }}")
    page.wait_for_function(f"() => !{VIDEO}.seeking")
    page.evaluate(f"() => {VIDEO}.play()")
    page.wait_for_function(f"() => {VIDEO}.ended", timeout=20000)
    page.wait_for_function(f"() => !sessionStorage.getItem('{QUEUE_KEY}')")
    terminated, initialized = VERBS["terminated"][0], VERBS["initialized"][0]
    earlier = [lost[0]["context"]["registration"]]

    # 4. The tab is hidden: `terminated` ends the session; shown again: a new session starts.
    page.evaluate(SET_VISIBILITY, "hidden")
    page.wait_for_function(f"() => !sessionStorage.getItem('{QUEUE_KEY}')")
    registration = wait_for(
        lambda: mine.filter(verb_id=terminated).exclude(registration__in=earlier).first(),
        message="terminated was not sent when the page was hidden",
    ).registration
    page.evaluate(SET_VISIBILITY, "visible")
    registration_two = wait_for(
        lambda: mine.filter(verb_id=initialized).exclude(registration__in=[*earlier, registration]).first(),
        message="no new session when the page was shown again",
    ).registration
    # Leaving the page sends `terminated` (fetch keepalive on pagehide).
    page.goto("/")
    wait_for(
        lambda: mine.filter(verb_id=terminated, registration=registration_two).exists(),
        message="terminated was not sent when leaving the page",
    )
    second = list(mine.filter(registration=registration_two).order_by("stored"))
    assert [row.verb_id for row in second] == [initialized, terminated]
    assert second[1].data["result"]["extensions"][EXTENSIONS["progress"]] == 0

    statements = list(mine.filter(registration=registration).order_by("stored"))
    verbs = [row.verb_id for row in statements]
    assert verbs[0] == VERBS["initialized"][0] and verbs[-1] == VERBS["terminated"][0]
    for key in ("played", "paused", "seeked"):
        assert VERBS[key][0] in verbs, key
    assert verbs.count(VERBS["completed"][0]) == 1
    for row in statements:
        data = row.data
        assert not row.trusted
        assert data["object"]["id"] == video_page.xapi_activity_id
        assert data["object"]["definition"]["type"] == "https://w3id.org/xapi/video/activity-type/video"
        assert data["object"]["definition"]["name"]["fr-FR"] == video_page.title
        assert [item["id"] for item in data["context"]["contextActivities"]["category"]] == [PROFILE]
        assert data["context"]["contextActivities"]["parent"][0]["id"] == module.xapi_activity_id
        assert data["context"]["platform"] == "PassInnov" and data["context"]["language"] == "fr-FR"
        assert data["context"]["extensions"][EXTENSIONS["session-id"]] == str(registration)
        assert data["context"]["extensions"][EXTENSIONS["length"]] == pytest.approx(12, abs=0.5)
        assert set(data["verb"]["display"]) == {"fr-FR", "en-US"}
        assert TIMESTAMP.match(data["timestamp"]), data["timestamp"]
    # Each verb carries the extensions of its example in docs/xapi-profile.md.
    documented = documented_extension_keys()
    for row in statements:
        context = set(row.data["context"]["extensions"])
        result = set(row.data.get("result", {}).get("extensions", {}))
        assert (context, result) == documented[row.verb_id], row.verb_id
    by_verb = {row.verb_id: row.data for row in statements}
    initialized = by_verb[VERBS["initialized"][0]]["context"]["extensions"]
    assert initialized[EXTENSIONS["completion-threshold"]] == 0.95
    assert initialized[EXTENSIONS["cc-enabled"]] is True and initialized[EXTENSIONS["cc-subtitle-lang"]] == "fr"
    assert initialized[EXTENSIONS["speed"]] == "1x"
    seeked = by_verb[VERBS["seeked"][0]]["result"]["extensions"]
    # Back to 1 s (a browser may land on the previous key frame of the small demo WebM).
    assert seeked[EXTENSIONS["time-from"]] > 3 and seeked[EXTENSIONS["time-to"]] <= 1
    completed = by_verb[VERBS["completed"][0]]["result"]
    assert completed["completion"] is True and completed["duration"].startswith("PT")
    assert completed["extensions"][EXTENSIONS["progress"]] >= 0.95
    assert completed["extensions"][EXTENSIONS["played-segments"]].startswith("0[.]")
    terminated = by_verb[VERBS["terminated"][0]]["result"]["extensions"]
    assert terminated[EXTENSIONS["progress"]] >= 0.95

    # The server accepted every request, the page logged no error, and the module is not completed.
    assert answers and set(answers) <= {200, 204}, answers
    assert errors == []
    assert page.foreign_requests == []
    assert csp_violations(page) == []
    progress = Progress.objects.filter(user=agent, module=module).first()
    assert progress is None or (progress.completed == 0 and not progress.is_completed)
