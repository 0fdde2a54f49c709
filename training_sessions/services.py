"""Business rules of sessions: registration, waiting list, prerequisites, attendance, evaluations, reminders.

Every event writes its xAPI statement through `learning_records.events` in the same database transaction
as the change; emails leave only once that transaction is committed (`transaction.on_commit`).

Decisions where the issue was silent (see docs in the final report):
- the entry module is required by every other module, in addition to the module's own prerequisites;
- a place on the waiting list writes no statement: `registered` is written when the agent gets a place
  (directly or by promotion), `unregistered` when a registered agent cancels;
- a cancellation by the programme cancels the registrations and tells the agents, without statements
  (the agents did not act); the session activity itself shows the cancellation;
- facilitators' `hosted` statements are written when attendance is first marked for the session, once per
  session and person (a deterministic statement id: removing and adding a facilitator again writes none);
- a facilitation row gives rights and statements only to a person who may facilitate (facilitator role or
  training department, `accounts.roles.CAPABILITIES`);
- an agent who already completed a module cannot register again for one of its sessions;
- an agent cannot cancel a place that later registrations of theirs count on for a prerequisite (the entry
  module before design thinking, say): they cancel the later ones first (docs/developing.md, "Sessions").
"""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from core import dates
from core.reminders import FAILED, SENT, send_once
from core.transactions import after_commit as _on_commit
from learning_records import events
from learning_records import statements as builders
from learning_records.models import Statement
from parcours.models import ModulePage
from training_sessions import emails, signals
from training_sessions.access import can_manage_session, can_see_remote_link, facilitated_sessions
from training_sessions.models import Evaluation, Facilitation, Registration, Session

DEFAULT_REMINDER_DAYS = 2


@dataclass
class SessionError(Exception):
    """A refused action, with a French message for the agent (and sessions to suggest, if any)."""

    message: str
    code: str = "invalid"
    suggestions: list = field(default_factory=list)

    def __str__(self):
        return self.message


def _when(dt):
    return dates.date_and_time(dt)


def reminder_days():
    return int(getattr(settings, "PASSINNOV_REMINDER_DAYS", DEFAULT_REMINDER_DAYS))


# --- Reading ----------------------------------------------------------------------------------------------


def required_modules(module):
    """The modules to complete first: the module's prerequisites, plus the entry module for any other."""

    required = {m.pk: m for m in module.prerequisites.all()}
    if not module.is_entry_module:
        for entry in ModulePage.objects.filter(is_entry_module=True).exclude(pk=module.pk):
            required.setdefault(entry.pk, entry)
    required.pop(module.pk, None)
    return list(required.values())


def completed_module_ids(user, module_ids=None):
    qs = Registration.objects.filter(user=user, attendance=Registration.Attendance.PRESENT)
    if module_ids is not None:
        qs = qs.filter(session__module_id__in=module_ids)
    return set(qs.values_list("session__module_id", flat=True))


def missing_prerequisites(user, session):
    """Required modules neither completed nor booked (registered) in a session ending before this one starts."""
    required = required_modules(session.module)
    if not required:
        return []
    ids = [m.pk for m in required]
    satisfied = set(
        Registration.objects.filter(user=user, session__module_id__in=ids)
        .filter(
            Q(attendance=Registration.Attendance.PRESENT)
            | Q(
                status=Registration.Status.REGISTERED,
                attendance__isnull=True,  # an agent marked absent has not completed it
                session__status=Session.Status.SCHEDULED,
                session__end__lte=session.start,
            )
        )
        .values_list("session__module_id", flat=True)
    )
    return [m for m in required if m.pk not in satisfied]


def next_sessions_of(modules, before=None, limit=5, now=None):
    """Upcoming sessions (open for registration) of these modules, ending before `before` when given."""
    now = now or timezone.now()
    qs = (
        Session.objects.upcoming(now)
        .filter(module__in=modules)
        .filter(Q(registration_deadline__isnull=True) | Q(registration_deadline__gt=now))
    )
    if before is not None:
        qs = qs.filter(end__lte=before)
    # Sessions with places first (soonest first), then the full ones (waiting list only).
    has_places = Case(When(registered_count__lt=F("capacity"), then=Value(0)), default=Value(1))
    return list(qs.for_display().order_by(has_places, "start", "pk")[:limit])


def pending_evaluations(user):
    """Sessions the agent attended and has not rated yet (for the email and the notice in "Mon parcours")."""
    if not user.is_authenticated:
        return Registration.objects.none()
    return (
        Registration.objects.filter(user=user, attendance=Registration.Attendance.PRESENT, evaluation__isnull=True)
        .select_related("session__module", "session__location")
        .order_by("-session__start")
    )


def registration_for(user, session):
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(user=user, session=session).select_related("evaluation").first()


# --- Registration -------------------------------------------------------------------------------------------


def registration_refusal(user, session, now=None):
    """Why the agent may not register for (or join the waiting list of) this session, or None when they may.

    One source of truth: the session page asks it to show the reason (and the sessions that solve it) in place
    of the button, and `register` raises the same error under its locks.
    """
    now = now or timezone.now()
    try:
        _check_can_register(user, session, now)
    except SessionError as error:
        return error
    return None


def _check_can_register(user, session, now):
    if session.is_cancelled:
        raise SessionError(_("This session is cancelled: registration is not possible."), "cancelled")
    if session.has_started(now):
        raise SessionError(_("This session has already started or is over: registration is closed."), "past")
    if now >= session.deadline:
        raise SessionError(
            _("Registration for this session closed on %(date)s.") % {"date": _when(session.deadline)}, "deadline"
        )
    if any(f.user_id == user.pk for f in session.facilitations.all()):
        raise SessionError(_("You facilitate this session: you cannot register as a participant."), "facilitator")

    own = Registration.objects.filter(user=user).active().select_related("session__module")
    existing = own.filter(session=session).first()
    if existing is not None:
        if existing.status == Registration.Status.WAITING:
            raise SessionError(
                _("You are already on the waiting list of this session (number %(position)s).")
                % {"position": existing.position_on_waiting_list()},
                "duplicate",
            )
        raise SessionError(_("You are already registered for this session."), "duplicate")

    if session.module_id in completed_module_ids(user, [session.module_id]):
        raise SessionError(
            _("You have already completed the module “%(module)s”.") % {"module": session.module.title}, "completed"
        )

    same_module = (
        own.filter(session__module_id=session.module_id, session__status=Session.Status.SCHEDULED)
        .filter(session__end__gt=now)
        .first()
    )
    if same_module is not None:
        raise SessionError(
            _(
                "You are already registered for another session of this module, on %(date)s. Cancel that "
                "registration first if you want to change sessions."
            )
            % {"date": _when(same_module.session.start)},
            "same_module",
            [same_module.session],
        )

    overlapping = (
        own.filter(session__status=Session.Status.SCHEDULED)
        .filter(session__start__lt=session.end, session__end__gt=session.start)
        .first()
    )
    if overlapping is not None:
        raise SessionError(
            _(
                "This session overlaps another session you are registered for: “%(module)s” on %(date)s. "
                "Cancel that registration first."
            )
            % {"module": overlapping.session.module.title, "date": _when(overlapping.session.start)},
            "overlap",
            [overlapping.session],
        )

    missing = missing_prerequisites(user, session)
    if missing:
        names = ", ".join(f"« {m.title} »" for m in missing)
        raise SessionError(
            _(
                "To register for this module you must first complete %(modules)s, or be registered for a session "
                "of it that ends before this one starts."
            )
            % {"modules": names},
            "prerequisites",
            next_sessions_of(missing, before=session.start, now=now),
        )


def register(user, session, now=None):
    """Register the agent, or put them on the waiting list when the session is full. Returns the registration.

    The session row is locked (SELECT … FOR UPDATE) for the whole check-and-insert, so concurrent requests
    are serialised and the capacity is never exceeded; the agent's row is locked too, so one agent's own
    parallel requests cannot book two sessions of a module. On SQLite the database write lock serialises.
    """
    User = get_user_model()
    with transaction.atomic():
        list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
        session = Session.objects.select_for_update().get(pk=session.pk)
        now = now or timezone.now()
        _check_can_register(user, session, now)

        others = Registration.objects.filter(session=session).exclude(user=user)
        has_place = others.registered().count() < session.capacity and not others.waiting().exists()
        # A free place goes to the waiting list first (promotion), never to a newcomer jumping the queue.
        status = Registration.Status.REGISTERED if has_place else Registration.Status.WAITING
        registration = Registration.objects.filter(session=session, user=user).first()
        if registration is None:
            registration = Registration(session=session, user=user)
        else:  # registering again after a cancellation: same xAPI registration, back of the queue
            registration.ics_sequence += 1
        registration.status = status
        registration.created_at = now
        registration.cancelled_at = None
        registration.cancelled_by_programme = False
        registration.promoted_at = None
        registration.reminder_sent_at = None
        registration.save()

        if status == Registration.Status.REGISTERED:
            events.registered(user, session, registration.registration_uuid)
            _on_commit(emails.send_confirmation, registration)
        else:
            _on_commit(emails.send_waiting_list, registration)
    return registration


def _promote(session, now):
    """Give free places to the waiting list in arrival order (caller holds the session lock)."""
    promoted = []
    free = session.capacity - Registration.objects.filter(session=session).registered().count()
    if free <= 0 or session.is_cancelled or now >= session.deadline or session.has_started(now):
        return promoted
    for registration in Registration.objects.filter(session=session).waiting_in_order().select_related("user")[:free]:
        registration.status = Registration.Status.REGISTERED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        events.registered(registration.user, session, registration.registration_uuid)
        _on_commit(emails.send_promotion, registration)
        promoted.append(registration)
    return promoted


def fill_from_waiting_list(session, now=None):
    """Promote waiting agents while places are free (e.g. after an editor raised the capacity)."""
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        return _promote(session, now or timezone.now())


def dependent_registrations(user, session, now=None):
    """The agent's upcoming registrations (place or waiting list) that count on their place in this session for a
    prerequisite (`missing_prerequisites`): sessions of modules requiring this one, starting after it ends,
    while the agent has not completed this module. Empty when the agent holds no place here."""
    now = now or timezone.now()
    module = session.module
    holds_place = Registration.objects.filter(
        user=user, session=session, status=Registration.Status.REGISTERED, attendance__isnull=True
    ).exists()
    if not holds_place or module.pk in completed_module_ids(user, [module.pk]):
        return []
    requires_it = Q(session__module__prerequisites=module)
    if module.is_entry_module:
        requires_it |= Q(session__module__is_entry_module=False)
    return list(
        Registration.objects.filter(user=user)
        .active()
        .filter(requires_it, session__status=Session.Status.SCHEDULED, session__start__gt=now)
        .filter(session__start__gte=session.end)
        .exclude(session__module_id=module.pk)
        .select_related("session__module", "session__location")
        .order_by("session__start", "pk")
        .distinct()
    )


def _check_can_cancel(user, session, now):
    registration = Registration.objects.filter(session=session, user=user).active().first()
    if registration is None:
        raise SessionError(_("You are not registered for this session."), "not_registered")
    if session.has_started(now):
        raise SessionError(_("This session has already started: the registration can no longer be cancelled."), "past")
    dependants = dependent_registrations(user, session, now)
    if dependants:
        names = ", ".join(f"« {d.session.module.title} » ({_when(d.session.start)})" for d in dependants)
        raise SessionError(
            _(
                "Your registration for %(sessions)s counts on this session: the module “%(module)s” comes first. "
                "Cancel that registration first, then this one."
            )
            % {"sessions": names, "module": session.module.title},
            "dependants",
            [d.session for d in dependants],
        )
    return registration


def cancellation_refusal(user, session, now=None):
    """Why the agent may not cancel their registration (or waiting-list place) here, or None when they may.
    The session page shows it in place of the button; `cancel_registration` raises the same error."""
    try:
        _check_can_cancel(user, session, now or timezone.now())
    except SessionError as error:
        return error
    return None


def cancel_registration(user, session, now=None):
    """The agent cancels their place (or leaves the waiting list); the first waiting agent is promoted.

    Refused while later registrations of the agent count on this place for a prerequisite (see
    `dependent_registrations`): the agent cancels those first. The agent's row is locked before the session's,
    in the same order as `register`, so a registration that would start depending on this place and this
    cancellation are serialised (one of them sees the other).
    """
    User = get_user_model()
    with transaction.atomic():
        list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
        session = Session.objects.select_for_update().get(pk=session.pk)
        now = now or timezone.now()
        registration = _check_can_cancel(user, session, now)
        was_registered = registration.status == Registration.Status.REGISTERED
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = now
        if was_registered:
            registration.ics_sequence += 1
        registration.save()
        if was_registered:
            events.unregistered(user, session, registration.registration_uuid)
            _on_commit(emails.send_agent_cancellation, registration)
            _promote(session, now)
        else:
            _on_commit(emails.send_waiting_cancellation, registration)
    return registration


def cancel_session(session, now=None):
    """The programme cancels a session: every registered or waiting agent is told (CANCEL invitation)."""
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        now = now or timezone.now()
        if session.status != Session.Status.CANCELLED or session.cancelled_at is None:
            session.status = Session.Status.CANCELLED
            session.cancelled_at = now
            session.ics_sequence += 1
            session.save(update_fields=["status", "cancelled_at", "ics_sequence", "updated_at"])
        cancelled = []
        for registration in Registration.objects.filter(session=session).active().select_related("user"):
            had_place = registration.status == Registration.Status.REGISTERED
            registration.status = Registration.Status.CANCELLED
            registration.cancelled_at = now
            registration.cancelled_by_programme = True
            if had_place:
                registration.ics_sequence += 1
            registration.save()
            _on_commit(emails.send_programme_cancellation, registration, had_place)
            cancelled.append(registration)
    return cancelled


def notify_session_changed(session):
    """The programme moved a session (date, time or place): registered agents get an updated invitation."""
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        if session.is_cancelled:
            return []
        notified = []
        for registration in Registration.objects.filter(session=session).active().select_related("user"):
            has_place = registration.status == Registration.Status.REGISTERED
            if has_place:
                registration.ics_sequence += 1  # same UID, higher SEQUENCE: calendars update the event
                registration.reminder_sent_at = None
                registration.save(update_fields=["ics_sequence", "reminder_sent_at"])
            _on_commit(emails.send_session_update, registration, has_place)
            notified.append(registration)
    return notified


# --- Attendance -----------------------------------------------------------------------------------------------


def hosting_to_record(session):
    """The facilitations of `session` whose `hosted` statement is still to write, with that statement's id:
    people who may facilitate, once per session and person (a name-based statement id, so a facilitation
    deleted and added again writes nothing new)."""
    found = []
    for facilitation in session.facilitations.filter(hosted_at__isnull=True).select_related("user"):
        if not roles.can(facilitation.user, "facilitate"):
            continue
        statement_id = builders.hosted_statement_id(facilitation.user.xapi_account_name, session.xapi_activity_id)
        found.append((facilitation, statement_id))
    return found


def _hosted_statements(session, hosting, timestamp=None):
    return [
        builders.build_hosted(f.user, session, f.role, timestamp=timestamp, statement_id=statement_id)
        for f, statement_id in hosting
    ]


def _mark_hosted(hosting, now):
    for facilitation, _statement_id in hosting:
        facilitation.hosted_at = now
    Facilitation.objects.bulk_update([f for f, _id in hosting], ["hosted_at"])


def record_hosting(session, now=None, timestamp=None):
    """Write each facilitator's `hosted` statement (the first time attendance is marked), in one batch, then
    send `session_hosted`."""
    now = now or timezone.now()
    hosting = hosting_to_record(session)
    if hosting:
        events.record([], once=_hosted_statements(session, hosting, timestamp))
        _mark_hosted(hosting, now)
    signals.session_hosted.send(sender=Session, session=session, now=now, timestamp=timestamp)


def mark_attendance(marker, registration, attendance, now=None):
    """Mark a registered agent present or absent; "present" completes the module for them."""
    now = now or timezone.now()
    session = Session.objects.select_related("module").prefetch_related("facilitations").get(pk=registration.session_id)
    if not can_manage_session(marker, session):
        raise SessionError(
            _("Only the session's facilitators or the training department mark attendance."), "forbidden"
        )
    if registration.user_id == marker.pk:
        raise SessionError(_("Nobody marks their own attendance."), "own")
    if attendance not in Registration.Attendance.values:
        raise SessionError(_("Choose “present” or “absent”."), "invalid")
    if session.is_cancelled:
        raise SessionError(_("This session is cancelled."), "cancelled")
    if not session.has_started(now):
        raise SessionError(
            _("Attendance can be marked once the session has started (%(date)s).") % {"date": _when(session.start)},
            "not_started",
        )
    with transaction.atomic():
        registration = Registration.objects.select_for_update().select_related("user").get(pk=registration.pk)
        if registration.status != Registration.Status.REGISTERED:
            raise SessionError(_("Only registered agents can be marked present or absent."), "not_registered")
        previous = registration.attendance
        if previous == attendance:
            return registration
        if (
            previous == Registration.Attendance.PRESENT
            and Evaluation.objects.filter(registration=registration).exists()
        ):
            raise SessionError(
                _("This agent has already rated the session: their attendance can no longer be withdrawn."),
                "evaluated",
            )
        registration.attendance = attendance
        registration.attendance_marked_by = marker
        registration.attendance_marked_at = now
        # One batch: attended and completed (present) or their voids (withdrawn), and the facilitators'
        # `hosted` statements not yet written.
        statements = []
        if attendance == Registration.Attendance.PRESENT:
            lead = session.lead_facilitation
            user, registration_uuid = registration.user, registration.registration_uuid
            statements = [
                builders.build_attended(
                    user, session, registration_uuid, lead.user if lead else None, session.duration
                ),
                builders.build_completed(user, session.module, registration_uuid),
            ]
            registration.attended_statement_id = uuid.UUID(str(statements[0]["id"]))
            registration.completed_statement_id = uuid.UUID(str(statements[1]["id"]))
            if registration.evaluation_requested_at is None:
                registration.evaluation_requested_at = now
                _on_commit(emails.send_evaluation_request, registration)
        elif previous == Registration.Attendance.PRESENT:
            statements = _attendance_voids(registration, marker)
        hosting = hosting_to_record(session)
        if statements or hosting:
            events.record(statements, once=_hosted_statements(session, hosting))
        _mark_hosted(hosting, now)
        signals.session_hosted.send(sender=Session, session=session, now=now, timestamp=None)
        registration.save()
    return registration


def mark_attendance_list(marker, session, choices, now=None):
    """Mark the attendance of several participants of `session` at once ({registration pk: "present" |
    "absent"}), all or nothing: the first refusal (naming the participant) rolls the whole list back.

    Returns the registrations whose attendance changed."""
    now = now or timezone.now()
    changed = []
    with transaction.atomic():
        registrations = {
            r.pk: r for r in Registration.objects.filter(session=session, pk__in=list(choices)).select_related("user")
        }
        if set(choices) - set(registrations):
            raise SessionError(_("This person is not a participant of this session."), "not_participant")
        for pk in sorted(registrations, key=lambda pk: (registrations[pk].user.last_name, pk)):
            registration = registrations[pk]
            previous = registration.attendance
            try:
                marked = mark_attendance(marker, registration, choices[pk], now)
            except SessionError as error:
                raise SessionError(
                    _("%(name)s: %(reason)s") % {"name": registration.user.display_name, "reason": error.message},
                    error.code,
                ) from error
            if marked.attendance != previous:
                changed.append(marked)
    return changed


def _attendance_voids(registration, marker):
    """The voiding statements of the agent's `attended` and `completed` statements (those still active)."""
    ids = [i for i in (registration.attended_statement_id, registration.completed_statement_id) if i]
    registration.attended_statement_id = None
    registration.completed_statement_id = None
    active = Statement.objects.filter(statement_id__in=ids, voided=False).values_list("statement_id", flat=True)
    return [builders.build_voided(statement_id, marker) for statement_id in active]


# --- Evaluation -----------------------------------------------------------------------------------------------


def evaluation_registration(user, session):
    """The agent's registration they may rate, or a SessionError saying why not."""
    registration = registration_for(user, session)
    if registration is None or registration.attendance != Registration.Attendance.PRESENT:
        raise SessionError(
            _("You can rate this session once the facilitator has recorded your attendance."), "not_attended"
        )
    return registration


def save_evaluation(user, session, *, overall, content, facilitation, usefulness, comment="", now=None):
    """Create or update the agent's evaluation (editable for 14 days); writes a `rated` statement."""
    now = now or timezone.now()
    ratings = {"overall": overall, "content": content, "facilitation": facilitation, "usefulness": usefulness}
    for value in ratings.values():
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise SessionError(_("Each rating is a whole number from 1 to 5."), "invalid")
    with transaction.atomic():
        registration = evaluation_registration(user, session)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        evaluation = Evaluation.objects.filter(registration=registration).first()
        if evaluation is not None and not evaluation.is_editable(now):
            raise SessionError(
                _("Your evaluation can no longer be changed: answers are editable for 14 days."), "closed"
            )
        if evaluation is None:
            evaluation = Evaluation(registration=registration, created_at=now)
        for name, value in ratings.items():
            setattr(evaluation, name, value)
        evaluation.comment = (comment or "").strip()
        evaluation.updated_at = now
        evaluation.full_clean()
        evaluation.save()
        events.rated(
            user,
            session,
            registration.registration_uuid,
            overall,
            criteria={"content": content, "facilitation": facilitation, "usefulness": usefulness},
        )
    return evaluation


# --- Reminders ------------------------------------------------------------------------------------------------


def send_reminders(now=None, days=None):
    """Email registered agents whose session starts within `days` days; once per registration (idempotent)."""
    now = now or timezone.now()
    days = reminder_days() if days is None else days
    due = (
        Registration.objects.registered()
        .filter(
            session__status=Session.Status.SCHEDULED,
            session__start__gt=now,
            session__start__lte=now + timedelta(days=days),
            reminder_sent_at__isnull=True,
        )
        .select_related("user", "session__module", "session__location")
        .order_by("session__start", "pk")
    )
    outcomes = [
        send_once(
            Registration, registration.pk, "reminder_sent_at", now, lambda r=registration: emails.send_reminder(r, days)
        )
        for registration in due
    ]
    return outcomes.count(SENT), outcomes.count(FAILED)


__all__ = [
    "SessionError",
    "can_manage_session",
    "can_see_remote_link",
    "facilitated_sessions",
    "register",
    "cancel_registration",
    "cancellation_refusal",
    "dependent_registrations",
    "registration_refusal",
    "cancel_session",
    "fill_from_waiting_list",
    "mark_attendance",
    "mark_attendance_list",
    "save_evaluation",
    "pending_evaluations",
    "send_reminders",
]
