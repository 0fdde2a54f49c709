"""A returning agent resumes a video where they stopped: the player keeps the position in the State resource
(xAPI Video Profile extensions) and the page offers to resume from it (videos/static/videos/xapi-video.js)."""

import json
import re

import pytest

from learning_records.models import Document, Statement
from tests.a11y import audit
from tests.browser.test_video_xapi import VIDEO, wait_for
from tests.conftest import csp_violations, sign_in
from tests.videos.test_video_xapi_profile import DOC
from videos.models import VideoPage
from videos.xapi import EXTENSIONS, STATE_ID, VERBS

pytestmark = pytest.mark.browser


STATE_EXAMPLE = re.compile(r"<!-- video-state-example -->\n```json\n(?P<json>.*?)\n```", re.S)


def documented_state_keys():
    return set(json.loads(STATE_EXAMPLE.search(DOC.read_text(encoding="utf-8"))["json"]))


def saved_state(agent, video_page):
    document = Document.objects.filter(
        resource="state",
        activity_id=video_page.xapi_activity_id,
        document_id=STATE_ID,
        agent_account_name=agent.xapi_account_name,
    ).first()
    return json.loads(bytes(document.content)) if document else None


def watch_until(page, seconds):
    page.wait_for_function(f"() => {VIDEO}.readyState >= 1")
    page.evaluate(f"() => {{ const v = {VIDEO}; v.muted = true; v.playbackRate = 2; return v.play(); }}")
    page.wait_for_function(f"() => {VIDEO}.currentTime > {seconds}")
    page.evaluate(f"() => {VIDEO}.pause()")
    return page.evaluate(f"() => {VIDEO}.currentTime")


def test_a_returning_agent_resumes_where_they_stopped(page, demo_user):
    agent = demo_user("agent")
    video_page = VideoPage.objects.live().get(slug="passinnov-en-bref")
    url = video_page.get_url()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    # First visit: nothing to resume. The agent watches 5 seconds and pauses: the player saves where they are.
    sign_in(page, "agent", next_url="/")
    page.goto(url)
    assert page.locator("#video-resume").count() == 0
    stopped = watch_until(page, 5)
    state = wait_for(
        lambda: (saved := saved_state(agent, video_page)) and abs(saved[EXTENSIONS["time"]] - stopped) < 0.01 and saved,
        message="the position was not saved in the State resource when the video was paused",
    )
    assert set(state) == documented_state_keys()  # docs/xapi-profile.md, "Video State document"
    assert state[EXTENSIONS["length"]] == pytest.approx(12, abs=0.5)
    assert float(state[EXTENSIONS["played-segments"]].split("[.]")[0]) < 0.1  # watched from the start
    assert 0.3 < state[EXTENSIONS["progress"]] < 0.7

    # Back on the page: the offer to resume, in French, accessible; resuming lands on the same second.
    page.reload()
    offer = page.locator("#video-resume")
    offer.wait_for(state="visible")
    whole_seconds = int(stopped)
    assert re.search(rf"Reprendre à\s+{whole_seconds}\s+s", offer.inner_text())
    audit(page)
    page.get_by_role("button", name=re.compile("^Reprendre à")).click()
    page.wait_for_function(f"() => !{VIDEO}.seeking && {VIDEO}.currentTime > 0")
    resumed = page.evaluate(f"() => {{ const v = {VIDEO}; v.pause(); return v.currentTime; }}")
    assert abs(resumed - stopped) <= 1, (stopped, resumed)
    assert offer.is_hidden()
    assert page.evaluate(f"() => document.activeElement === {VIDEO}")

    # What was watched in both visits adds up; starting from the beginning is offered as well.
    first_progress = state[EXTENSIONS["progress"]]
    page.evaluate(f"() => {{ const v = {VIDEO}; v.muted = true; return v.play(); }}")
    page.wait_for_function(f"() => {VIDEO}.currentTime > {resumed + 1}")
    page.evaluate(f"() => {VIDEO}.pause()")
    state = wait_for(
        lambda: (saved := saved_state(agent, video_page)) and saved[EXTENSIONS["time"]] > resumed + 1 and saved,
        message="the second stop was not saved",
    )
    assert state[EXTENSIONS["progress"]] > first_progress
    assert float(state[EXTENSIONS["played-segments"]].split("[.]")[0]) < 0.1
    page.reload()
    offer.wait_for(state="visible")
    page.get_by_role("button", name="Reprendre depuis le début").click()
    assert offer.is_hidden()
    assert page.evaluate(f"() => {VIDEO}.currentTime") < 1

    # Leaving the page saves the position once more (and the session's statements): nothing is left in flight.
    page.goto("/")
    wait_for(lambda: saved_state(agent, video_page)[EXTENSIONS["time"]] < 1, message="leaving did not save the state")
    terminated = Statement.objects.filter(
        actor_account_name=agent.xapi_account_name,
        object_activity_id=video_page.xapi_activity_id,
        verb_id=VERBS["terminated"][0],
    )
    wait_for(lambda: terminated.count() == 3, message="a visit was not terminated")
    assert errors == []
    assert page.foreign_requests == []
    assert csp_violations(page) == []
