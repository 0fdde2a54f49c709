"""The xAPI vocabulary PassInnov writes and reads, defined once (docs/xapi-profile.md).

Every module that builds, validates or interprets statements imports its IRIs from here: the statement
builders (`statements`), validation and the store (`voided`), progress (which verbs and activity types it
counts), the video player (Video Profile verbs) and the page models (their activity types). Nothing here
touches the database or Django: it is importable from anywhere, first in the dependency order
learning_records ← parcours ← training_sessions ← progress ← pilotage.
"""

from typing import NamedTuple


class Verb(NamedTuple):
    iri: str
    french: str  # display in fr-FR
    english: str  # display in en-US


# --- Verbs ----------------------------------------------------------------------------------------------------

REGISTERED = "http://adlnet.gov/expapi/verbs/registered"
UNREGISTERED = "http://id.tincanapi.com/verb/unregistered"
ATTENDED = "http://adlnet.gov/expapi/verbs/attended"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
RATED = "http://id.tincanapi.com/verb/rated"
VIEWED = "http://id.tincanapi.com/verb/viewed"
EARNED = "http://id.tincanapi.com/verb/earned"
HOSTED = "http://activitystrea.ms/schema/1.0/host"
USED = "http://activitystrea.ms/schema/1.0/use"
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
# The internal-trainer path: a trainee observes a session; a lead facilitator gives a trainee feedback.
EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
MENTORED = "http://id.tincanapi.com/verb/mentored"
# xAPI Video Profile (https://w3id.org/xapi/video)
INITIALIZED = "http://adlnet.gov/expapi/verbs/initialized"
PLAYED = "https://w3id.org/xapi/video/verbs/played"
PAUSED = "https://w3id.org/xapi/video/verbs/paused"
SEEKED = "https://w3id.org/xapi/video/verbs/seeked"
TERMINATED = "http://adlnet.gov/expapi/verbs/terminated"

# key → (IRI, display fr-FR, display en-US): the verbs of the PassInnov profile.
VERBS = {
    "registered": Verb(REGISTERED, "s’est inscrit", "registered"),
    "unregistered": Verb(UNREGISTERED, "s’est désinscrit", "unregistered"),
    "attended": Verb(ATTENDED, "a participé à", "attended"),
    "completed": Verb(COMPLETED, "a terminé", "completed"),
    "rated": Verb(RATED, "a évalué", "rated"),
    "viewed": Verb(VIEWED, "a consulté", "viewed"),
    "earned": Verb(EARNED, "a obtenu", "earned"),
    "hosted": Verb(HOSTED, "a animé", "hosted"),
    "observed": Verb(EXPERIENCED, "a observé", "observed"),
    "mentored": Verb(MENTORED, "a fait un retour à", "mentored"),
    # Self-declarations (untrusted): a fiche used with a team, the answer to the follow-up after a module.
    "used": Verb(USED, "a utilisé", "used"),
    "answered": Verb(ANSWERED, "a répondu à", "answered"),
    "voided": Verb(VOIDED, "a annulé", "voided"),
}

# The verbs of the xAPI Video Profile the player sends, as the profile names them.
VIDEO_VERBS = {
    "initialized": Verb(INITIALIZED, "a initialisé", "initialized"),
    "played": Verb(PLAYED, "a lu", "played"),
    "paused": Verb(PAUSED, "a mis en pause", "paused"),
    "seeked": Verb(SEEKED, "a déplacé la lecture", "seeked"),
    "completed": Verb(COMPLETED, "a terminé", "completed"),
    "terminated": Verb(TERMINATED, "a quitté", "terminated"),
}

# The verbs whose trusted statements count in progress (progress.services.progress).
PROGRESS_VERBS = frozenset({REGISTERED, UNREGISTERED, ATTENDED, COMPLETED, HOSTED})

# --- Activity types -------------------------------------------------------------------------------------------

TYPE_MEETING = "http://adlnet.gov/expapi/activities/meeting"
TYPE_MODULE = "http://adlnet.gov/expapi/activities/module"
TYPE_COURSE = "http://adlnet.gov/expapi/activities/course"
TYPE_PROFILE = "http://adlnet.gov/expapi/activities/profile"
TYPE_MEDIA = "http://adlnet.gov/expapi/activities/media"
TYPE_DOCUMENT = "http://id.tincanapi.com/activitytype/document"
TYPE_BADGE = "http://activitystrea.ms/schema/1.0/badge"
TYPE_VIDEO = "https://w3id.org/xapi/video/activity-type/video"
TYPE_SURVEY = "http://id.tincanapi.com/activitytype/survey"

# --- Profiles and extensions ----------------------------------------------------------------------------------

VIDEO_PROFILE_IRI = "https://w3id.org/xapi/video"
# Open Badges' own xAPI extension: {"@id": <hosted assertion URL>}.
EXTENSION_BADGE_ASSERTION = "http://specification.openbadges.org/xapi/extensions/badgeassertion"
