"""Rules of the internal-trainer path: where a trainee stands, their requests, promotions and feedback.

The path: observe a session → co-facilitate N sessions → lead under supervision → lead. Where a trainee
stands is computed from their trusted, active statements (`observed`, and `hosted` with its role extension:
`learning_records.events`), read on the agent's own statements only (index on the actor), so it costs the
same whatever the size of the store. The step itself (`pilotage.TrainerProfile.status`) moves only when a
person of the training department confirms it: the rule proposes, a person decides.

Decisions:
- N = 2 co-facilitated sessions (`PASSINNOV_TRAINER_CO_FACILITATIONS`);
- a lead is "under supervision" when another person facilitated the session with the trainee;
- a trainee asks to observe (first step) or to co-facilitate (later steps) an upcoming session of a module
  they completed; co-facilitating needs the facilitator role (given by administrators), observing does not;
- accept and refuse notify the trainee by email after commit; nobody decides on their own request.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import roles
from core.models import Organisation
from core.transactions import after_commit
from learning_records import events
from learning_records.models import Statement
from learning_records.statements import OBSERVER_ROLE, extension_facilitator_role
from learning_records.vocabulary import EXPERIENCED, HOSTED
from pilotage.models import TrainerProfile
from progress.services.progress import uuid_from_iri
from trainers import emails
from trainers.models import FacilitationRequest, Promotion, SessionObservation, TraineeFeedback
from training_sessions.models import Facilitation, Registration, Session
from training_sessions.services import completed_module_ids

Status = TrainerProfile.Status
DEFAULT_CO_FACILITATIONS = 2
ORDER = [Status.IN_TRAINING, Status.CO_FACILITATOR, Status.SUPERVISED_LEAD, Status.LEAD]
NEXT = dict(zip(ORDER, ORDER[1:], strict=False))
LEAD, CO_FACILITATOR = Facilitation.Role.LEAD, Facilitation.Role.CO_FACILITATOR


def co_facilitations_required():
    return int(getattr(settings, "PASSINNOV_TRAINER_CO_FACILITATIONS", DEFAULT_CO_FACILITATIONS))


@dataclass
class TrainerError(Exception):
    """A refused action, with its French message."""

    message: str
    code: str = "invalid"

    def __str__(self):
        return self.message


# --- Where a trainee stands ------------------------------------------------------------------------------


@dataclass
class Facts:
    """Sessions observed, co-facilitated, led (and led with someone else in the team) per the statements."""

    observed: int = 0
    co_facilitated: int = 0
    led: int = 0
    led_supervised: int = 0
    session_roles: dict = field(default_factory=dict)  # session pk -> role

    def count_for(self, status):
        return {
            Status.IN_TRAINING: self.observed,
            Status.CO_FACILITATOR: self.co_facilitated,
            Status.SUPERVISED_LEAD: self.led_supervised,
            Status.LEAD: self.led,
        }[status]


def required_for(status):
    """How many sessions the step's rule needs before the next step is proposed (None: the last step)."""
    return {Status.IN_TRAINING: 1, Status.CO_FACILITATOR: co_facilitations_required(), Status.SUPERVISED_LEAD: 1}.get(
        status
    )


def _role_of(data):
    extensions = (data.get("context") or {}).get("extensions") or {}
    return extensions.get(extension_facilitator_role()) if isinstance(extensions, dict) else None


def facts_for(users):
    """{user pk: Facts} for these users, in two queries whatever their number and the store's size."""
    users = list(users)
    by_account = {u.xapi_account_name: u.pk for u in users if u.xapi_account_name}
    facts = {u.pk: Facts() for u in users}
    rows = (
        Statement.objects.active()
        .trusted()
        .filter(actor_account_name__in=list(by_account), verb_id__in=[HOSTED, EXPERIENCED])
        .values_list("actor_account_name", "verb_id", "object_activity_id", "data")
    )
    wanted = {}  # (user pk, session uuid) -> role
    for account, verb, object_id, data in rows:
        session_uuid = uuid_from_iri(object_id, "session")
        role = _role_of(data or {})
        if session_uuid is None:
            continue
        if verb == EXPERIENCED and role == OBSERVER_ROLE:
            wanted[(by_account[account], session_uuid)] = OBSERVER_ROLE
        elif verb == HOSTED and role in (LEAD, CO_FACILITATOR):
            wanted[(by_account[account], session_uuid)] = role
    if not wanted:
        return facts
    sessions = {
        activity_uuid: (pk, team)
        for activity_uuid, pk, team in Session.objects.filter(activity_uuid__in={s for _u, s in wanted})
        .annotate(team=Count("facilitations", distinct=True))
        .values_list("activity_uuid", "pk", "team")
    }
    for (user_pk, session_uuid), role in wanted.items():
        if session_uuid not in sessions:
            continue
        session_pk, team = sessions[session_uuid]
        item = facts[user_pk]
        item.session_roles[session_pk] = role
        if role == OBSERVER_ROLE:
            item.observed += 1
        elif role == CO_FACILITATOR:
            item.co_facilitated += 1
        else:
            item.led += 1
            if team > 1:
                item.led_supervised += 1
    return facts


def facts_of(user):
    return facts_for([user])[user.pk]


def proposed_step(profile, facts):
    """The next step when the rule of the current one is met (a person still has to confirm it), else None."""
    required = required_for(profile.status)
    if required is None or facts.count_for(profile.status) < required:
        return None
    return NEXT[profile.status]


STEP_TITLES = {
    Status.IN_TRAINING: gettext_lazy("Observe a session"),
    Status.CO_FACILITATOR: gettext_lazy("Co-facilitate sessions"),
    Status.SUPERVISED_LEAD: gettext_lazy("Lead a session under supervision"),
    Status.LEAD: gettext_lazy("Lead sessions"),
}


def path_steps(profile, facts):
    """The four steps with where the trainee stands: done, current (with its count) or to come."""
    current = ORDER.index(profile.status)
    steps = []
    for index, status in enumerate(ORDER):
        steps.append(
            {
                "status": status,
                "title": STEP_TITLES[status],
                "state": "done" if index < current else "current" if index == current else "todo",
                "count": facts.count_for(status),
                "required": required_for(status),
            }
        )
    return steps


def facilitated_sessions(user):
    """The trainee's facilitations with the participants' satisfaction on the facilitation criterion."""
    return (
        Facilitation.objects.filter(user=user)
        .exclude(session__status=Session.Status.CANCELLED)
        .select_related("session__module", "session__location")
        .annotate(
            facilitation_average=Avg("session__registrations__evaluation__facilitation"),
            answers=Count("session__registrations__evaluation"),
        )
        .order_by("-session__start", "pk")
    )


# --- Requests ---------------------------------------------------------------------------------------------


def request_kind(profile):
    return (
        FacilitationRequest.Kind.OBSERVE
        if profile.status == Status.IN_TRAINING
        else FacilitationRequest.Kind.CO_FACILITATE
    )


def requestable_sessions(user, now=None):
    """Upcoming sessions of modules the trainee completed, where they are not yet (asked to be) in the room."""
    now = now or timezone.now()
    modules = completed_module_ids(user)
    return (
        Session.objects.upcoming(now)
        .filter(module_id__in=modules)
        .exclude(Exists(Facilitation.objects.filter(session=OuterRef("pk"), user=user)))
        .exclude(Exists(FacilitationRequest.objects.filter(session=OuterRef("pk"), trainee=user)))
        .exclude(Exists(Registration.objects.active().filter(session=OuterRef("pk"), user=user)))
        .select_related("module", "location")
    )


def ask(user, session, message, now=None):
    """The trainee asks to observe or co-facilitate `session` (the kind follows their step)."""
    now = now or timezone.now()
    profile = TrainerProfile.objects.filter(user=user).first()
    if profile is None:
        raise TrainerError(_("Only agents nominated on the internal-trainer path can ask this."), "not_trainee")
    message = (message or "").strip()
    if not message:
        raise TrainerError(_("Write a short message to the training department."), "message")
    with transaction.atomic():
        session = Session.objects.select_for_update().select_related("module").get(pk=session.pk)
        if session.is_cancelled or session.has_started(now):
            raise TrainerError(_("This session is cancelled or has already started."), "past")
        if session.module_id not in completed_module_ids(user, [session.module_id]):
            raise TrainerError(_("You can ask for sessions of modules you have completed only."), "not_completed")
        if (
            session.facilitations.filter(user=user).exists()
            or SessionObservation.objects.filter(session=session, user=user).exists()
        ):
            raise TrainerError(_("You are already in this session's team."), "already")
        if Registration.objects.active().filter(session=session, user=user).exists():
            raise TrainerError(_("You are registered for this session as a participant."), "registered")
        if FacilitationRequest.objects.filter(session=session, trainee=user).exists():
            raise TrainerError(_("You have already asked for this session."), "duplicate")
        return FacilitationRequest.objects.create(
            trainee=user, session=session, kind=request_kind(profile), message=message, created_at=now
        )


def pending_requests():
    return FacilitationRequest.objects.filter(status=FacilitationRequest.Status.PENDING).select_related(
        "trainee__trainer_profile", "session__module", "session__location"
    )


def _locked_pending(request, by):
    request = FacilitationRequest.objects.select_for_update().select_related("trainee").get(pk=request.pk)
    if request.status != FacilitationRequest.Status.PENDING:
        raise TrainerError(_("This request has already been decided."), "decided")
    if request.trainee_id == by.pk:
        raise TrainerError(_("Nobody decides on their own request."), "own")
    return request


def accept(request, by, now=None):
    """Accept: the trainee becomes a co-facilitator of the session, or an observer. Notifies them."""
    now = now or timezone.now()
    if not roles.can(by, "manage_sessions"):
        raise TrainerError(_("Only the training department decides on these requests."), "forbidden")
    with transaction.atomic():
        request = _locked_pending(request, by)
        session = Session.objects.select_for_update().get(pk=request.session_id)
        if session.is_cancelled or session.has_started(now):
            raise TrainerError(_("This session is cancelled or has already started."), "past")
        trainee = request.trainee
        if Registration.objects.active().filter(session=session, user=trainee).exists():
            raise TrainerError(
                _("%(name)s has registered for this session as a participant since asking.")
                % {"name": trainee.display_name},
                "registered",
            )
        if request.kind == FacilitationRequest.Kind.CO_FACILITATE:
            if not roles.can(trainee, "facilitate"):
                raise TrainerError(
                    _(
                        "%(name)s does not hold the facilitator role yet: an administrator gives it, then the "
                        "request can be accepted."
                    )
                    % {"name": trainee.display_name},
                    "no_role",
                )
            organisation = Organisation.objects.filter(kind=Organisation.Kind.INTERNAL).order_by("pk").first()
            if organisation is None:
                raise TrainerError(_("No internal organisation is defined for internal trainers."), "organisation")
            Facilitation.objects.get_or_create(
                session=session,
                user=trainee,
                defaults={"role": CO_FACILITATOR, "organisation": organisation, "sort_order": 100},
            )
        else:
            SessionObservation.objects.get_or_create(session=session, user=trainee, defaults={"created_at": now})
        request.status = FacilitationRequest.Status.ACCEPTED
        request.decided_by, request.decided_at = by, now
        request.save(update_fields=["status", "decided_by", "decided_at"])
        after_commit(emails.send_request_accepted, request)
    return request


def refuse(request, by, reason, now=None):
    now = now or timezone.now()
    if not roles.can(by, "manage_sessions"):
        raise TrainerError(_("Only the training department decides on these requests."), "forbidden")
    reason = (reason or "").strip()
    if not reason:
        raise TrainerError(_("Give the trainee the reason for the refusal."), "reason")
    with transaction.atomic():
        request = _locked_pending(request, by)
        request.status = FacilitationRequest.Status.REFUSED
        request.reason = reason
        request.decided_by, request.decided_at = by, now
        request.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        after_commit(emails.send_request_refused, request)
    return request


# --- Promotions -------------------------------------------------------------------------------------------


def proposals():
    """[(profile, facts, next step)] for every trainee whose current step's rule is met (a few queries)."""
    profiles = list(
        TrainerProfile.objects.exclude(status=Status.LEAD).select_related("user").order_by("user__last_name", "pk")
    )
    facts = facts_for([p.user for p in profiles])
    rows = []
    for profile in profiles:
        step = proposed_step(profile, facts[profile.user_id])
        if step:
            rows.append(
                {"profile": profile, "facts": facts[profile.user_id], "next": step, "next_label": Status(step).label}
            )
    return rows


def confirm_promotion(profile, by, now=None):
    """A person of the training department confirms the next step, once its rule is met."""
    if not roles.can(by, "steer"):
        raise TrainerError(_("Only the training department confirms a step."), "forbidden")
    with transaction.atomic():
        profile = TrainerProfile.objects.select_for_update().select_related("user").get(pk=profile.pk)
        if profile.user_id == by.pk:
            raise TrainerError(_("Nobody confirms their own step."), "own")
        step = proposed_step(profile, facts_of(profile.user))
        if step is None:
            raise TrainerError(_("The rule of the current step is not met yet."), "not_met")
        Promotion.objects.create(
            profile=profile,
            from_status=profile.status,
            to_status=step,
            confirmed_by=by,
            confirmed_at=now or timezone.now(),
        )
        profile.status = step
        profile.save(update_fields=["status", "updated_at"])
        after_commit(emails.send_promotion, profile)
    return profile


# --- Observers --------------------------------------------------------------------------------------------


def record_observers(session, now=None, timestamp=None):
    """Write the `observed` statement of each observer of the session (once: when attendance is marked)."""
    now = now or timezone.now()
    for observation in SessionObservation.objects.filter(session=session, observed_at__isnull=True).select_related(
        "user"
    ):
        events.observed(observation.user, session, timestamp=timestamp)
        observation.observed_at = now
        observation.save(update_fields=["observed_at"])


# --- Feedback ---------------------------------------------------------------------------------------------


def trainees_in(sessions):
    """{session pk: {user: role}}: the trainees in each session's team (nominated co-facilitators and
    observers), in two queries whatever the number of sessions."""
    people = {session.pk: {} for session in sessions}
    nominated = Exists(TrainerProfile.objects.filter(user=OuterRef("user")))
    for facilitation in (
        Facilitation.objects.filter(session__in=list(people), role=CO_FACILITATOR)
        .filter(nominated)
        .select_related("user")
    ):
        people[facilitation.session_id][facilitation.user] = CO_FACILITATOR
    for observation in SessionObservation.objects.filter(session__in=list(people)).select_related("user"):
        people[observation.session_id].setdefault(observation.user, OBSERVER_ROLE)
    return people


def trainees_of(session):
    return trainees_in([session])[session.pk]


def is_lead_of(user, session):
    return roles.can(user, "facilitate") and session.facilitations.filter(user=user, role=LEAD).exists()


def give_feedback(author, session, trainee, *, went_well, to_work_on, now=None):
    """The session's lead facilitator gives a trainee feedback once the session is over (once per trainee)."""
    now = now or timezone.now()
    went_well, to_work_on = (went_well or "").strip(), (to_work_on or "").strip()
    if not is_lead_of(author, session):
        raise TrainerError(_("Only the session's lead facilitator gives this feedback."), "forbidden")
    if not session.has_ended(now):
        raise TrainerError(_("Feedback is given once the session is over."), "not_over")
    role = trainees_of(session).get(trainee)
    if role is None or trainee.pk == author.pk:
        raise TrainerError(_("This person was not a trainee in this session."), "not_trainee")
    if not went_well or not to_work_on:
        raise TrainerError(_("Say what went well and what to work on."), "empty")
    with transaction.atomic():
        if TraineeFeedback.objects.select_for_update().filter(session=session, trainee=trainee).exists():
            raise TrainerError(_("Feedback has already been given to this trainee for this session."), "duplicate")
        feedback = TraineeFeedback.objects.create(
            session=session, trainee=trainee, author=author, went_well=went_well, to_work_on=to_work_on, created_at=now
        )
        events.mentored(author, trainee, session, role)
    return feedback


def feedback_to_give(user, now=None):
    """[(session, trainee, role)] of the sessions the person led, now over, whose trainees got no feedback."""
    now = now or timezone.now()
    if not roles.can(user, "facilitate"):
        return []
    sessions = (
        Session.objects.filter(facilitations__user=user, facilitations__role=LEAD, end__lte=now)
        .exclude(status=Session.Status.CANCELLED)
        .select_related("module")
        .order_by("-start")[:20]
    )
    sessions = list(sessions)
    given = set(TraineeFeedback.objects.filter(session__in=sessions).values_list("session_id", "trainee_id"))
    teams = trainees_in(sessions)
    rows = []
    for session in sessions:
        for trainee, role in teams[session.pk].items():
            if (session.pk, trainee.pk) not in given and trainee.pk != user.pk:
                rows.append({"session": session, "trainee": trainee, "role": role})
    return rows
