"""Every xAPI statement PassInnov writes, built with `tincan` objects (the vocabulary of docs/xapi-profile.md).

The builders are pure: they read domain objects and return the statement as a plain JSON dict, ready for
`learning_records.store.save_statements`. They never touch the database themselves; `learning_records.events`
stores what they build, in the caller's transaction.

Conventions (see docs/xapi-profile.md):
- actor: an Agent identified by an account on this site, `{homePage: PASSINNOV_BASE_URL, name:
  user.xapi_account_name}`, never an email or a person's name;
- `id`: a server-generated UUID (random, or a name-based UUID when the caller needs idempotence);
- `timestamp`: ISO 8601 in Europe/Paris with milliseconds and offset (2026-11-27T14:03:12.345+01:00);
- `context`: platform "PassInnov", language "fr-FR", `contextActivities.category` = the PassInnov profile
  (plus the xAPI Video Profile for videos), `contextActivities.parent` = the module of a session, the path of
  a module;
- verb displays and activity names/descriptions in fr-FR and en-US;
- self-declarations (`used`, `answered`) carry codes and ratings, never the agent's free text.

`tincan` 1.0.0 serialises datetimes with microseconds, durations as `PT01H30M00S` and scores as floats; the
builders pass ISO strings and fix the JSON afterwards (see `_to_dict`).
"""

import json
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import tincan
from django.conf import settings
from django.utils import timezone

from learning_records import vocabulary
from learning_records.activities import activity_iri
from learning_records.vocabulary import (  # noqa: F401  (re-exported: the builders' callers name them here)
    EXTENSION_BADGE_ASSERTION,
    TYPE_BADGE,
    TYPE_COURSE,
    TYPE_DOCUMENT,
    TYPE_MEETING,
    TYPE_MODULE,
    TYPE_PROFILE,
    TYPE_SURVEY,
    TYPE_VIDEO,
    VIDEO_PROFILE_IRI,
)

XAPI_VERSION = "1.0.3"
PLATFORM = "PassInnov"
LANGUAGE = "fr-FR"

# --- Vocabulary (defined once in learning_records.vocabulary) -----------------------------------------------

VERBS = vocabulary.VERBS

RATING_MIN = 1
RATING_MAX = 5
FACILITATOR_ROLES = ("lead", "co-facilitator")
OBSERVER_ROLE = "observer"  # the role extension of an `observed` statement (internal-trainer path)
PATH_SLUG = "passinnov"

# Namespace of the name-based (UUID v5) ids of `viewed` statements: one id per agent, page and Paris day.
VIEWED_NAMESPACE = uuid.UUID("0f0c7a52-5a4e-4b8e-9a43-6e1f3c1d2b7a")
# Namespace of the ids of `hosted` statements: one id per facilitator and session.
HOSTED_NAMESPACE = uuid.UUID("3c5e9b1e-8f0d-4a47-b6a2-51d0f2c7e4a9")
# Namespace of the ids of `observed` statements (one per observer and session) and of the statements that
# record a lead facilitator's feedback to a trainee (one per trainee and session).
OBSERVED_NAMESPACE = uuid.UUID("8d1f6a0e-2c4b-4f5e-9a7d-3b6c0e1f2a48")
MENTORED_NAMESPACE = uuid.UUID("5a2e7c9b-1d3f-4e6a-8b0c-7f9d2e4a6c13")


def base_url():
    return settings.PASSINNOV_BASE_URL


def profile_iri():
    return f"{base_url()}/xapi/profile"


def extension_iri(name):
    return f"{base_url()}/xapi/extensions/{name}"


def path_activity_id():
    return activity_iri("path", PATH_SLUG)


def extension_rating_criteria():
    return extension_iri("rating-criteria")


def extension_facilitator_role():
    return extension_iri("facilitator-role")


def extension_team_size():
    return extension_iri("team-size")


def extension_team_audience():
    return extension_iri("team-audience")


def extension_practice_setting():
    return extension_iri("practice-setting")


def extension_usage_frequency():
    return extension_iri("usage-frequency")


def extension_fiches_used():
    return extension_iri("fiches-used")


def extension_obstacles():
    return extension_iri("obstacles")


# --- Formatting -----------------------------------------------------------------------------------------


def format_timestamp(value=None):
    """ISO 8601 in Europe/Paris with milliseconds and offset: 2026-11-27T14:03:12.345+01:00."""
    value = value or timezone.now()
    if timezone.is_naive(value):
        raise ValueError("xAPI timestamps need an aware datetime")
    return value.astimezone(ZoneInfo(settings.TIME_ZONE)).isoformat(timespec="milliseconds")


def format_duration(value):
    """ISO 8601 duration, e.g. PT1H30M, PT45M, PT12.5S (seconds to 0.01 s, as xAPI recommends)."""
    if not isinstance(value, timedelta) or value < timedelta(0):
        raise ValueError("a duration is a non-negative timedelta")
    centiseconds = round(value.total_seconds() * 100)
    hours, rest = divmod(centiseconds, 360000)
    minutes, rest = divmod(rest, 6000)
    seconds = rest / 100
    text = "PT"
    if hours:
        text += f"{hours}H"
    if minutes:
        text += f"{minutes}M"
    if seconds or text == "PT":
        text += f"{seconds:g}S"
    return text


def viewed_statement_id(account_name, activity_id, day):
    """Name-based UUID: the same agent viewing the same page on the same Paris day gets the same id."""
    return uuid.uuid5(VIEWED_NAMESPACE, f"{account_name} {activity_id} {day.isoformat()}")


def hosted_statement_id(account_name, activity_id):
    """Name-based UUID: a person hosts a session once, whatever happens to their facilitation row."""
    return uuid.uuid5(HOSTED_NAMESPACE, f"{account_name} {activity_id}")


def observed_statement_id(account_name, activity_id):
    return uuid.uuid5(OBSERVED_NAMESPACE, f"{account_name} {activity_id}")


def mentored_statement_id(trainee_account_name, activity_id):
    return uuid.uuid5(MENTORED_NAMESPACE, f"{trainee_account_name} {activity_id}")


# --- tincan building blocks -----------------------------------------------------------------------------


def agent(user):
    """The agent of a user: an opaque account on this site (never the email, never the name)."""
    if not getattr(user, "xapi_account_name", None):
        raise ValueError("the user has no xAPI account name")
    return tincan.Agent(account=tincan.AgentAccount(home_page=base_url(), name=user.xapi_account_name))


def system_agent():
    """The server itself, actor of the voiding statements it writes without a human reason."""
    return tincan.Agent(name=PLATFORM, account=tincan.AgentAccount(home_page=base_url(), name="system"))


def verb(key):
    iri, french, english = VERBS[key]
    return tincan.Verb(id=iri, display=tincan.LanguageMap({"fr-FR": french, "en-US": english}))


def _language_map(values):
    values = {key: str(value) for key, value in (values or {}).items() if value}
    if "fr-FR" not in values:
        raise ValueError("an activity needs a French name")
    values.setdefault("en-US", values["fr-FR"])  # titles are proper names: the French one stands in
    return tincan.LanguageMap(values)


def _paris_date(value):
    return value.astimezone(ZoneInfo(settings.TIME_ZONE))


def paris_day(value):
    """The calendar day of an aware datetime in Europe/Paris (the `viewed` deduplication day)."""
    return _paris_date(value).date()


def day_timestamp(day):
    """Noon of a calendar day in Europe/Paris: the time of an experience the agent dates by the day only."""
    return datetime.combine(day, time(12), tzinfo=ZoneInfo(settings.TIME_ZONE))


def _descriptions(obj, activity_type):
    """fr-FR/en-US descriptions: the object's own `xapi_descriptions` if it has some, else by type."""
    own = getattr(obj, "xapi_descriptions", None)
    if own:
        return own
    if activity_type == TYPE_MEETING and getattr(obj, "module", None) is not None:
        module = _language_map(obj.module.xapi_names)
        start = getattr(obj, "start", None)
        if start:
            day = _paris_date(start)
            return {
                "fr-FR": f"Session du module «\u00a0{module['fr-FR']}\u00a0» du {day:%d/%m/%Y}",
                "en-US": f"Session of the module “{module['en-US']}” on {day:%Y-%m-%d}",
            }
        return {
            "fr-FR": f"Session du module «\u00a0{module['fr-FR']}\u00a0»",
            "en-US": f"Session of the module “{module['en-US']}”",
        }
    return {
        TYPE_MODULE: {
            "fr-FR": "Module de formation du parcours PassInnov",
            "en-US": "Training module of the PassInnov path",
        },
        TYPE_DOCUMENT: {
            "fr-FR": "Fiche pratique de PassInnov\u00a0: méthode ou outil à réutiliser en équipe",
            "en-US": "PassInnov practice sheet: a method or tool to reuse with one's team",
        },
        TYPE_BADGE: {"fr-FR": "Badge Open Badges délivré par PassInnov", "en-US": "Open Badge issued by PassInnov"},
        TYPE_VIDEO: {"fr-FR": "Vidéo de PassInnov", "en-US": "PassInnov video"},
        TYPE_MEETING: {"fr-FR": "Session de formation PassInnov", "en-US": "PassInnov training session"},
        TYPE_SURVEY: {
            "fr-FR": "Questionnaire de suivi\u00a0: l’agent a-t-il réutilisé ce qu’il a appris dans le module\u00a0?",
            "en-US": "Follow-up questionnaire: has the agent reused what they learnt in the module?",
        },
    }.get(activity_type, {"fr-FR": "Page de l’intranet PassInnov", "en-US": "PassInnov intranet page"})


ENGLISH_MONTHS = "January February March April May June July August September October November December".split()


def _names(obj, activity_type):
    """fr-FR/en-US names: a session without an English name gets one from its module and date."""
    names = dict(obj.xapi_names)
    start = getattr(obj, "start", None)
    module = getattr(obj, "module", None)
    if "en-US" not in names and activity_type == TYPE_MEETING and module is not None and start:
        day = _paris_date(start)
        module_name = _language_map(module.xapi_names)["en-US"]
        names["en-US"] = f"{module_name} – {ENGLISH_MONTHS[day.month - 1]} {day.day}, {day.year}, {day:%H:%M}"
    return names


def activity(obj):
    """The activity of a domain object inheriting `XapiActivityMixin`, with a full definition."""
    activity_type = obj.XAPI_ACTIVITY_TYPE
    return tincan.Activity(
        id=obj.xapi_activity_id,
        definition=tincan.ActivityDefinition(
            type=activity_type,
            name=_language_map(_names(obj, activity_type)),
            description=_language_map(_descriptions(obj, activity_type)),
        ),
    )


def path_activity():
    return tincan.Activity(
        id=path_activity_id(),
        definition=tincan.ActivityDefinition(
            type=TYPE_COURSE,
            name=tincan.LanguageMap({"fr-FR": "Parcours PassInnov", "en-US": "PassInnov path"}),
            description=tincan.LanguageMap(
                {
                    "fr-FR": "Parcours de découverte de l’innovation publique du ministère de l’Économie",
                    "en-US": "Public innovation discovery path of the French Ministry of the Economy",
                }
            ),
        ),
    )


def profile_activity():
    return tincan.Activity(
        id=profile_iri(),
        definition=tincan.ActivityDefinition(
            type=TYPE_PROFILE,
            name=tincan.LanguageMap({"fr-FR": "Profil xAPI PassInnov", "en-US": "PassInnov xAPI profile"}),
        ),
    )


def follow_up_activity(module):
    """The follow-up questionnaire of a module: `{BASE}/xapi/activities/follow-up/{module uuid}`, a survey."""
    module_name = _language_map(module.xapi_names)
    return tincan.Activity(
        id=activity_iri("follow-up", module.activity_uuid),
        definition=tincan.ActivityDefinition(
            type=TYPE_SURVEY,
            name=tincan.LanguageMap(
                {
                    "fr-FR": f"Questionnaire de suivi du module «\u00a0{module_name['fr-FR']}\u00a0»",
                    "en-US": f"Follow-up questionnaire of the module “{module_name['en-US']}”",
                }
            ),
            description=_language_map(_descriptions(None, TYPE_SURVEY)),
        ),
    )


def video_profile_activity():
    return tincan.Activity(id=VIDEO_PROFILE_IRI, definition=tincan.ActivityDefinition(type=TYPE_PROFILE))


def parent_of(obj):
    """The session's module, the module's path; nothing for other activities (fiches, badges…)."""
    module = getattr(obj, "module", None)
    if module is not None:
        return [activity(module)]
    if getattr(obj, "XAPI_ACTIVITY_TYPE", None) == TYPE_MODULE:
        return [path_activity()]
    return None


def categories_of(obj):
    categories = [profile_activity()]
    if getattr(obj, "XAPI_ACTIVITY_TYPE", None) == TYPE_VIDEO:
        categories.append(video_profile_activity())
    return categories


# --- Assembly -------------------------------------------------------------------------------------------


STATEMENT_ORDER = ("id", "actor", "verb", "object", "result", "context", "timestamp", "version")


def _to_dict(statement, *, timestamp, duration=None):
    """tincan's JSON, with its known bugs fixed (microsecond timestamps, PT01H30M00S, float scores)."""
    data = json.loads(statement.to_json(XAPI_VERSION))
    data = {key: data[key] for key in STATEMENT_ORDER if key in data} | data  # readable order
    data["timestamp"] = timestamp
    result = data.get("result")
    if result is not None:
        if duration is not None:
            result["duration"] = duration
        for key, value in result.get("score", {}).items():
            if isinstance(value, float) and value.is_integer() and key != "scaled":
                result["score"][key] = int(value)
    return data


def build(
    verb_key,
    actor,
    obj,
    *,
    statement_id=None,
    timestamp=None,
    registration=None,
    parent=None,
    categories=None,
    instructor=None,
    result=None,
    duration=None,
    context_extensions=None,
):
    """One statement as a JSON dict; `obj` is a tincan Activity or StatementRef.

    xAPI 1.0.3 allows `context.platform` only when the object is an Activity: a voiding statement (object
    StatementRef) carries the language and the profile category, not the platform.
    """
    context = tincan.Context(
        registration=uuid.UUID(str(registration)) if registration else None,
        instructor=instructor,
        platform=PLATFORM if isinstance(obj, tincan.Activity) else None,
        language=LANGUAGE,
        context_activities=tincan.ContextActivities(parent=parent or None, category=categories or [profile_activity()]),
        extensions=tincan.Extensions(context_extensions) if context_extensions else None,
    )
    statement = tincan.Statement(
        id=statement_id or uuid.uuid4(),
        actor=actor,
        verb=verb(verb_key),
        object=obj,
        result=result,
        context=context,
    )
    return _to_dict(statement, timestamp=format_timestamp(timestamp), duration=duration)


def _session_time(session, timestamp):
    """When a session experience happened: its end once it is over, else now (attendance marked early)."""
    if timestamp is not None:
        return timestamp
    end = getattr(session, "end", None)
    now = timezone.now()
    return end if isinstance(end, datetime) and end <= now else now


def _session_statement(verb_key, user, session, registration_uuid, **kwargs):
    return build(
        verb_key,
        agent(user),
        activity(session),
        registration=registration_uuid,
        parent=parent_of(session),
        categories=categories_of(session),
        **kwargs,
    )


def build_registered(user, session, registration_uuid, *, timestamp=None, statement_id=None):
    return _session_statement(
        "registered", user, session, registration_uuid, timestamp=timestamp, statement_id=statement_id
    )


def build_unregistered(user, session, registration_uuid, *, timestamp=None, statement_id=None):
    return _session_statement(
        "unregistered", user, session, registration_uuid, timestamp=timestamp, statement_id=statement_id
    )


def session_duration(session):
    start, end = getattr(session, "start", None), getattr(session, "end", None)
    if isinstance(start, datetime) and isinstance(end, datetime) and end > start:
        return end - start
    return timedelta(minutes=session.module.duration_minutes)


def build_attended(
    user, session, registration_uuid, instructor=None, duration=None, *, timestamp=None, statement_id=None
):
    """`instructor`: the facilitator (a user) who led the session; `duration` defaults to the session's."""
    duration = duration if duration is not None else session_duration(session)
    return _session_statement(
        "attended",
        user,
        session,
        registration_uuid,
        instructor=agent(instructor) if instructor is not None else None,
        result=tincan.Result(duration=duration),
        duration=format_duration(duration),
        timestamp=_session_time(session, timestamp),
        statement_id=statement_id,
    )


def build_completed(user, module, registration_uuid=None, *, timestamp=None, statement_id=None):
    return build(
        "completed",
        agent(user),
        activity(module),
        registration=registration_uuid,
        parent=parent_of(module),
        categories=categories_of(module),
        result=tincan.Result(completion=True),
        timestamp=timestamp,
        statement_id=statement_id,
    )


def _rating(value, label):
    if isinstance(value, bool) or not isinstance(value, int) or not RATING_MIN <= value <= RATING_MAX:
        raise ValueError(f"{label} must be an integer from {RATING_MIN} to {RATING_MAX}")
    return value


def scaled_score(raw):
    """(raw − min) / (max − min): 1 → 0.0, 3 → 0.5, 5 → 1.0 (see docs/xapi-profile.md)."""
    return (raw - RATING_MIN) / (RATING_MAX - RATING_MIN)


def build_rated(user, session, registration_uuid, overall, criteria=None, *, timestamp=None, statement_id=None):
    """`overall`: 1..5; `criteria`: {name: 1..5} (e.g. content, facilitation, usefulness)."""
    overall = _rating(overall, "overall")
    extensions = None
    if criteria:
        extensions = {extension_rating_criteria(): {str(k): _rating(v, str(k)) for k, v in criteria.items()}}
    result = tincan.Result(
        score=tincan.Score(raw=overall, min=RATING_MIN, max=RATING_MAX, scaled=scaled_score(overall)),
        extensions=tincan.Extensions(extensions) if extensions else None,
    )
    return _session_statement(
        "rated", user, session, registration_uuid, result=result, timestamp=timestamp, statement_id=statement_id
    )


def build_viewed(user, page, *, timestamp=None, statement_id=None):
    """A page viewed (a fiche, a module…); `statement_id` defaults to the per-day id (see viewed_statement_id)."""
    timestamp = timestamp or timezone.now()
    if statement_id is None:
        statement_id = viewed_statement_id(user.xapi_account_name, page.xapi_activity_id, paris_day(timestamp))
    return build(
        "viewed",
        agent(user),
        activity(page),
        parent=parent_of(page),
        categories=categories_of(page),
        timestamp=timestamp,
        statement_id=statement_id,
    )


def build_earned(user, badge, assertion_url, *, timestamp=None, statement_id=None):
    if not isinstance(assertion_url, str) or not assertion_url.startswith(("https://", "http://")):
        raise ValueError("the assertion URL must be an absolute http(s) URL")
    return build(
        "earned",
        agent(user),
        activity(badge),
        parent=parent_of(badge),
        categories=categories_of(badge),
        result=tincan.Result(extensions=tincan.Extensions({EXTENSION_BADGE_ASSERTION: {"@id": assertion_url}})),
        timestamp=timestamp,
        statement_id=statement_id,
    )


def build_hosted(user, session, role, *, timestamp=None, statement_id=None):
    """A facilitator hosted a session; `role` is "lead" or "co-facilitator"."""
    if role not in FACILITATOR_ROLES:
        raise ValueError(f"role must be one of {', '.join(FACILITATOR_ROLES)}")
    return build(
        "hosted",
        agent(user),
        activity(session),
        parent=parent_of(session),
        categories=categories_of(session),
        context_extensions={extension_facilitator_role(): role},
        timestamp=_session_time(session, timestamp),
        statement_id=statement_id,
    )


def build_observed(user, session, *, timestamp=None, statement_id=None):
    """A trainee observed a session (internal-trainer path): verb `experienced`, role extension "observer"."""
    return build(
        "observed",
        agent(user),
        activity(session),
        parent=parent_of(session),
        categories=categories_of(session),
        context_extensions={extension_facilitator_role(): OBSERVER_ROLE},
        timestamp=_session_time(session, timestamp),
        statement_id=statement_id,
    )


def build_mentored(author, trainee, session, trainee_role, *, timestamp=None, statement_id=None):
    """A lead facilitator gave a trainee feedback after a session: the object is the trainee (an Agent), the
    session is the parent and the role extension gives the trainee's role in it. The feedback's text is never
    part of the statement."""
    if trainee_role not in FACILITATOR_ROLES + (OBSERVER_ROLE,):
        raise ValueError("trainee_role must be lead, co-facilitator or observer")
    return build(
        "mentored",
        agent(author),
        agent(trainee),
        parent=[activity(session)] + list(parent_of(session) or []),
        categories=categories_of(session),
        context_extensions={extension_facilitator_role(): trainee_role},
        timestamp=timestamp,
        statement_id=statement_id,
    )


def build_voided(target_statement_id, reason_user=None, *, timestamp=None, statement_id=None):
    """Voids the statement with id `target_statement_id`; the actor is `reason_user` or the server itself."""
    return build(
        "voided",
        agent(reason_user) if reason_user is not None else system_agent(),
        tincan.StatementRef(id=uuid.UUID(str(target_statement_id))),
        timestamp=timestamp,
        statement_id=statement_id,
    )


# --- Self-declarations (stored untrusted: they never complete a module) ---------------------------------


def _code(value, label):
    if not isinstance(value, str) or not value:
        raise ValueError(f"{label} must be a non-empty code")
    return value


def build_used(
    user, fiche, used_on, *, rating, team_size, setting, audience, module=None, timestamp=None, statement_id=None
):
    """The agent declares they used `fiche` with a team on `used_on` (a date), and how it went (1..5).

    The context carries the module the fiche belongs to (parent), the team-size bracket, the audience (own
    team or another department) and the setting as extensions; the result carries the rating. No free text:
    the agent's account of the experience stays out of the learning record.
    """
    if not isinstance(used_on, date) or isinstance(used_on, datetime):
        raise ValueError("used_on must be a date")
    rating = _rating(rating, "rating")
    return build(
        "used",
        agent(user),
        activity(fiche),
        parent=[activity(module)] if module is not None else None,
        categories=categories_of(fiche),
        result=tincan.Result(
            score=tincan.Score(raw=rating, min=RATING_MIN, max=RATING_MAX, scaled=scaled_score(rating))
        ),
        context_extensions={
            extension_team_size(): _code(team_size, "team_size"),
            extension_team_audience(): _code(audience, "audience"),
            extension_practice_setting(): _code(setting, "setting"),
        },
        timestamp=timestamp or day_timestamp(used_on),
        statement_id=statement_id,
    )


def build_answered(user, module, *, frequency, fiches=(), obstacles=(), timestamp=None, statement_id=None):
    """The agent answers the follow-up questionnaire of `module`: how often they reused it, which of its fiches,
    what stopped them (codes only: the free text stays out of the learning record)."""
    return build(
        "answered",
        agent(user),
        follow_up_activity(module),
        parent=[activity(module)],
        result=tincan.Result(
            extensions=tincan.Extensions(
                {
                    extension_usage_frequency(): _code(frequency, "frequency"),
                    extension_fiches_used(): [fiche.xapi_activity_id for fiche in fiches],
                    extension_obstacles(): [_code(code, "obstacle") for code in obstacles],
                }
            )
        ),
        timestamp=timestamp,
        statement_id=statement_id,
    )
