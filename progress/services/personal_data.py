"""Personal data (RGPD): export everything held about an agent, and carry out erasure requests.

Erasure keeps the anonymous facts the programme needs for its statistics (a registration in a session, an
attendance, ratings without their comment) attached to an anonymised, inactive account, and removes or
anonymises everything that identifies the agent.

Each app erases its own data (`erase` in its `personal_data` module); `process` here only coordinates them in
one transaction, in dependency order:

- the statement store (`learning_records.personal_data.erase`, under the store lock): the agent's statements
  (actor = their account) are deleted; their ids (voiding statements left out: they cannot be voided) are
  kept on the erasure request, the *erasure list* the training department's LRS pulls to void its copies
  (`GET /mon-parcours/effacements.json`, HTTP Basic with an xAPI credential holding the all/read or all
  scope, or `manage.py process_erasure --list`); statements of other agents that name them (as instructor)
  get the account name replaced by the new random one, in the parsed statement and its exact text; the xAPI
  documents about them (State and Agent Profile resources, e.g. where a video was left) are deleted;
- training sessions (`training_sessions.personal_data.erase`): evaluation comments cleared;
- practices (`practices.personal_data.erase`): the accounts and free texts the agent wrote are removed, the
  declared uses and follow-up choices kept as anonymous facts;
- progress (`erase` below): progress, personal path, trainer counters and pending badge checks deleted;
  badges revoked (reason: erasure) and detached; attestations revoked, detached and emptied;
- apps above progress in the dependency order (the internal-trainer path) add their part to the export and
  erase their own rows through `progress.signals`;
- the account (`accounts.personal_data.erase`): username replaced by a random one, names, email,
  directorate, work site cleared, a new random xAPI account name, unusable password, no groups, inactive;
  its identities at OpenID Connect providers (ProConnect's `sub`) deleted; its sessions ended after commit.
"""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import federation
from accounts import personal_data as accounts_data
from learning_records import documents as xapi_documents
from learning_records import personal_data as store_data
from learning_records.models import Statement
from practices import personal_data as practices_data
from practices.models import Audience, Frequency, Moderation, Obstacle, Setting, Sharing, TeamSize
from progress import signals
from progress.models import Attestation, BadgeAward, BadgeCheck, ErasureRequest, PathChoice, Progress, TrainerProgress
from training_sessions import personal_data as sessions_data
from training_sessions.models import Evaluation, Facilitation, Registration

# The export explains itself: each section's meaning and the French label of each coded value, in the file
# (key "guide") and on the "Mes données" page. Keys and codes stay as they are, for programs that read the
# file; docs/developing.md ("Personal-data export") describes the format.
EXPORT_SECTIONS = [
    (
        "profile",
        gettext_lazy(
            "Your profile: names, email, directorate, work site, roles, the date your account was "
            "created, and the random identifier under which your path is recorded."
        ),
    ),
    ("personal_path", gettext_lazy("The modules you chose for your path.")),
    (
        "registrations",
        gettext_lazy("Your registrations for sessions (place or waiting list), cancellations and attendance."),
    ),
    ("evaluations", gettext_lazy("Your ratings of the sessions you attended, from 1 to 5, and your comments.")),
    ("facilitations", gettext_lazy("The sessions you facilitated, with your role.")),
    ("progress", gettext_lazy("Where you stand on each module, with the number of recorded steps behind it.")),
    ("trainer_progress", gettext_lazy("The number of sessions you led and co-facilitated.")),
    ("badges", gettext_lazy("Your badges, with the public address that proves each one.")),
    ("attestations", gettext_lazy("Your attestations, with their verification code and content.")),
    ("erasure_requests", gettext_lazy("Your requests to erase your data.")),
    ("practice_declarations", gettext_lazy("The uses of the fiches pratiques you declared.")),
    ("follow_ups", gettext_lazy("Your answers to the follow-up question after a module.")),
    (
        "statements",
        gettext_lazy(
            "The record of each step of your path (registration, attendance, rating, page "
            "viewed, video watched, badge…), in the xAPI standard format, where you appear only "
            "under your random identifier."
        ),
    ),
    ("xapi_documents", gettext_lazy("What the pages remember for you, such as where you stopped a video.")),
]


def export_values():
    """{"section.field": {code: French label}} for the coded values of the export."""
    coded = {
        "registrations.status": Registration.Status,
        "registrations.attendance": Registration.Attendance,
        "facilitations.role": Facilitation.Role,
        "progress.status": Progress.Status,
        "attestations.kind": Attestation.Kind,
        "erasure_requests.status": ErasureRequest.Status,
        "practice_declarations.team_size": TeamSize,
        "practice_declarations.audience": Audience,
        "practice_declarations.setting": Setting,
        "practice_declarations.sharing": Sharing,
        "practice_declarations.moderation": Moderation,
        "follow_ups.frequency": Frequency,
        "follow_ups.obstacles": Obstacle,
    }
    return {name: {value: str(label) for value, label in choices.choices} for name, choices in coded.items()}


def export_guide():
    """The French guide placed at the top of the export (and shown on the "Mes données" page)."""
    return {
        "about": str(
            _(
                "Everything PassInnov holds about you. Each section below is described in “sections”; coded "
                "values are given with their meaning in “values”. Dates are in ISO 8601 format with their time "
                "zone."
            )
        ),
        "sections": {key: str(text) for key, text in EXPORT_SECTIONS},
        "values": export_values(),
    }


class ErasureError(Exception):
    """A refused erasure action, with a French message."""


def _iso(value):
    return value.isoformat() if value else None


def export(user):
    """Everything held about the agent, as a JSON-serialisable dict (a fixed number of queries)."""

    registrations = Registration.objects.filter(user=user).select_related("session__module", "session__location")
    evaluations = Evaluation.objects.filter(registration__user=user).select_related("registration__session__module")
    facilitations = Facilitation.objects.filter(user=user).select_related("session__module", "organisation")
    data = {
        "format": "passinnov-personal-data/1",
        "exported_at": timezone.now().isoformat(),
        "guide": export_guide(),
        "profile": {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "directorate": str(user.directorate) if user.directorate_id else None,
            "work_site": str(user.work_location) if user.work_location_id else None,
            "xapi_account_name": user.xapi_account_name,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "roles": sorted(user.groups.values_list("name", flat=True)),
            "identity_providers": federation.export_identities(user),
        },
        "personal_path": [
            {"module": c.module.title, "chosen_at": _iso(c.created_at)}
            for c in PathChoice.objects.filter(user=user).select_related("module")
        ],
        "registrations": [
            {
                "session": str(r.session.activity_uuid),
                "module": r.session.module.title,
                "start": _iso(r.session.start),
                "site": r.session.place_label,
                "status": r.status,
                "registration": str(r.registration_uuid),
                "registered_at": _iso(r.created_at),
                "cancelled_at": _iso(r.cancelled_at),
                "attendance": r.attendance,
            }
            for r in registrations
        ],
        "evaluations": [
            {
                "module": e.registration.session.module.title,
                "session_start": _iso(e.registration.session.start),
                "overall": e.overall,
                "content": e.content,
                "facilitation": e.facilitation,
                "usefulness": e.usefulness,
                "comment": e.comment,
                "created_at": _iso(e.created_at),
            }
            for e in evaluations
        ],
        "facilitations": [
            {
                "session": str(f.session.activity_uuid),
                "module": f.session.module.title,
                "start": _iso(f.session.start),
                "role": f.role,
                "organisation": str(f.organisation),
            }
            for f in facilitations
        ],
        "progress": [
            {
                "module": p.module.title,
                "status": p.status,
                "planned": p.planned,
                "registered": p.registered,
                "attended": p.attended,
                "completed": p.completed,
            }
            for p in Progress.objects.filter(user=user).select_related("module")
        ],
        "trainer_progress": [
            {"led": t.led, "co_facilitated": t.co_facilitated} for t in TrainerProgress.objects.filter(user=user)
        ],
        "badges": [
            {
                "badge": a.badge.name,
                "assertion": a.assertion_url(),
                "issued_on": _iso(a.issued_on),
                "revoked": a.revoked,
                "revocation_reason": a.revocation_reason,
            }
            for a in BadgeAward.objects.filter(user=user).select_related("badge")
        ],
        "attestations": [
            {
                "code": a.code,
                "kind": a.kind,
                "issued_at": _iso(a.issued_at),
                "current": a.is_current,
                "content": a.content,
            }
            for a in Attestation.objects.filter(user=user)
        ],
        "erasure_requests": [
            {"status": r.status, "requested_at": _iso(r.requested_at), "processed_at": _iso(r.processed_at)}
            for r in ErasureRequest.objects.filter(user=user)
        ],
        **practices_data.export(user),
        "statements": [
            s.data
            for s in Statement.objects.filter(actor_account_name=user.xapi_account_name)
            .only("data", "stored")
            .order_by("stored")
            .iterator(chunk_size=1000)
        ],
        "xapi_documents": xapi_documents.agent_documents(user.xapi_account_name),
    }
    for _receiver, parts in signals.personal_data_exported.send(sender=type(user), user=user):
        for key, description, value in parts or ():
            data[key] = value
            data["guide"]["sections"][key] = str(description)
    return data


def request_erasure(user):
    """The agent asks for erasure; one pending request at a time. Returns (request, created)."""
    existing = ErasureRequest.objects.filter(user=user, status=ErasureRequest.Status.PENDING).first()
    if existing:
        return existing, False
    return ErasureRequest.objects.create(user=user), True


def process(erasure_request, by=None, now=None):
    """Carry out a pending erasure request. Returns the request (status done, with its statement ids)."""

    now = now or timezone.now()
    with transaction.atomic():
        erasure_request = ErasureRequest.objects.select_for_update().get(pk=erasure_request.pk)
        if erasure_request.status != ErasureRequest.Status.PENDING:
            raise ErasureError(_("This erasure request has already been handled."))
        user = erasure_request.user
        if user is None:
            raise ErasureError(_("This request no longer matches any account."))
        if user.is_superuser:
            raise ErasureError(_("A superuser account is not erased through this procedure."))
        old_account = user.xapi_account_name
        new_account = secrets.token_hex(16)
        # Each app erases its own data, the statement store first (under its lock), the account last; apps
        # above progress (the internal-trainer path) through `progress.signals`.
        statement_ids = store_data.erase(user, old_account, new_account)
        sessions_data.erase(user)
        practices_data.erase(user)
        erase(user, now)
        signals.personal_data_erasing.send(sender=type(user), user=user)
        accounts_data.erase(user, new_account)

        erasure_request.status = ErasureRequest.Status.DONE
        erasure_request.processed_at = now
        erasure_request.processed_by = by
        erasure_request.statement_ids = statement_ids
        erasure_request.save()
    accounts_data.end_sessions(user)
    return erasure_request


def erase(user, now):
    """Progress's own part: progress, personal path, trainer counters and pending badge checks deleted; badges
    revoked (reason: erasure) and detached; attestations revoked, detached and emptied."""
    Progress.objects.filter(user=user).delete()
    PathChoice.objects.filter(user=user).delete()
    TrainerProgress.objects.filter(user=user).delete()
    BadgeCheck.objects.filter(user=user).delete()
    BadgeAward.objects.filter(user=user).update(
        user=None,
        revoked=True,
        revocation_kind=BadgeAward.RevocationKind.ERASURE,
        revocation_reason=_("Personal data erased at the holder’s request."),
        revoked_at=now,
        recipient_hash="",
    )
    Attestation.objects.filter(user=user).update(
        user=None, revoked=True, revocation_reason=_("Personal data erased."), content={}
    )


def erasure_list(since=None):
    """What the LRS needs: for each erasure carried out, when, and the statement ids to void."""
    done = ErasureRequest.objects.filter(status=ErasureRequest.Status.DONE).order_by("processed_at", "pk")
    if since is not None:
        done = done.filter(processed_at__gt=since)
    return {
        "erasures": [{"id": r.pk, "processed_at": _iso(r.processed_at), "statement_ids": r.statement_ids} for r in done]
    }
