"""What the video player needs to send xAPI Video Profile statements (https://w3id.org/xapi/video) and to
resume where the agent stopped.

The player (videos/static/videos/xapi-video.js) builds and sends the statements itself, from the signed-in
agent's browser, to the Statement API (`/xapi/statements`, session + CSRF): they are stored untrusted and
never complete a module. Everything that is fixed for a page (actor, object, verbs, context activities) is
built here with the server's own builders (`learning_records.statements`), so the player follows the same
conventions as the statements the server writes (see docs/xapi-profile.md, "Videos").

Where the agent stopped is a State document (`/xapi/activities/state`, activity = the video, agent = the
agent, stateId = STATE_ID, no registration) written by the player with the Video Profile's extension IRIs as
keys; the page gives the player the document already stored, so a returning agent is offered to resume
without waiting for a request (docs/xapi-profile.md, "Video State document").
"""

import json

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.translation import pgettext

from learning_records import documents, statements, vocabulary

PROFILE = vocabulary.VIDEO_PROFILE_IRI
COMPLETION_THRESHOLD = 0.95
STATE_ID = PROFILE  # the Video Profile defines no State document: its own IRI names the one its players keep
RESUME_MINIMUM = 3  # seconds: offer to resume from this position, and only when that much is left to watch

# key: (IRI, display fr-FR, display en-US), as the profile names them (learning_records.vocabulary).
VERBS = vocabulary.VIDEO_VERBS

EXTENSIONS = {
    name: f"{PROFILE}/extensions/{name}"
    for name in (
        # context extensions
        "session-id",
        "length",
        "completion-threshold",
        "cc-enabled",
        "cc-subtitle-lang",
        "volume",
        "speed",
        "full-screen",
        "screen-size",
        "video-playback-size",
        "user-agent",
        # result extensions
        "time",
        "time-from",
        "time-to",
        "progress",
        "played-segments",
    )
}


def _json(tincan_object):
    return json.loads(tincan_object.to_json(statements.XAPI_VERSION))


def player_config(page, request):
    """The JSON the page gives its player (rendered with `json_script`), or None when nothing is recorded.

    Nothing is recorded for anonymous visitors, for users without an xAPI account or in editors' previews.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "xapi_account_name", ""):
        return None
    if getattr(request, "is_preview", False):
        return None
    context_activities = {"category": [_json(statements.video_profile_activity())]}
    module = page.related_module
    if module is not None and module.live:
        context_activities["parent"] = [_json(statements.activity(module))]
    return {
        "endpoint": reverse("xapi_statements"),
        "version": statements.XAPI_VERSION,
        "csrfToken": get_token(request),
        "actor": _json(statements.agent(user)),
        "object": _json(statements.activity(page)),
        "verbs": {key: {"id": iri, "display": {"fr-FR": fr, "en-US": en}} for key, (iri, fr, en) in VERBS.items()},
        "platform": statements.PLATFORM,
        "language": statements.LANGUAGE,
        "contextActivities": context_activities,
        "extensions": EXTENSIONS,
        "completionThreshold": COMPLETION_THRESHOLD,
        "state": {
            "endpoint": reverse("xapi_state"),
            "stateId": STATE_ID,
            "saved": documents.agent_state(user, page.xapi_activity_id, STATE_ID),
            "resumeMinimum": RESUME_MINIMUM,
            "units": {
                "hours": pgettext("abbreviation of hours in a duration", "h"),
                "minutes": pgettext("abbreviation of minutes in a duration", "min"),
                "seconds": pgettext("abbreviation of seconds in a duration", "s"),
            },
        },
    }
