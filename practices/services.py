"""Business rules of practices: declarations, moderation of shared accounts, the follow-up after a module.

Every change writes (or voids) its xAPI statement through `learning_records.events` in the same transaction;
emails and the `declarations_changed` signal leave only once that transaction is committed.

- A declaration belongs to its author: only they edit or withdraw it (the views look it up among the agent's
  own, the services check again). Editing the date, team, setting or rating voids the `used` statement and
  writes a new one; editing only the account or its sharing writes nothing to the learning record (the
  account is never in it). Withdrawing voids the statement and deletes the declaration.
- A shared account (anonymous or named) is invisible to others until a moderator publishes it; a new or
  edited account goes (back) to the moderation queue; a refusal carries a reason, emailed to the author. A
  moderator may also take a published account down, with a reason, the same way.
- The follow-up of a module opens `PASSINNOV_FOLLOW_UP_DAYS` days after the agent attended it and stays open
  `FOLLOW_UP_OPEN_DAYS` days; it is answered once (one row per agent and module, locked while answering).
  Its reminder email is sent once (claimed by a conditional UPDATE, as the session reminders), only to agents
  whose follow-up opened in the last `REMINDER_CATCH_UP_DAYS` days, so a first run never writes to everyone
  who attended a module years ago.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import dates, fragments
from core.reminders import FAILED, SENT, send_once
from core.sorting import french_order
from core.transactions import after_commit
from fiches.models import FichePage
from learning_records import events
from learning_records.models import Statement
from practices import emails
from practices.models import (
    ACCOUNT_MAX_LENGTH,
    OTHER_OBSTACLE_MAX_LENGTH,
    RATING_MAX,
    RATING_MIN,
    REJECTION_REASON_MAX_LENGTH,
    Audience,
    Declaration,
    FollowUp,
    FollowUpObstacle,
    Frequency,
    Moderation,
    Obstacle,
    Setting,
    Sharing,
    TeamSize,
)
from practices.roles import can_moderate
from practices.signals import declarations_changed
from training_sessions.models import Registration

FIELDS = ("used_on", "team_size", "audience", "setting", "rating", "account", "sharing")
DEFAULT_FOLLOW_UP_DAYS = 60
FOLLOW_UP_OPEN_DAYS = 180
REMINDER_CATCH_UP_DAYS = 30
EARLIEST_USE = date(2018, 1, 1)  # the programme's first sessions
ACCOUNTS_PER_PAGE = 5
# Fields the `used` statement carries: changing one of them voids the statement and writes a new one.
STATEMENT_FIELDS = ("used_on", "team_size", "audience", "setting", "rating")


@dataclass
class PracticeError(Exception):
    """A refused action, with a French message (and the form field it concerns, if any)."""

    message: str
    code: str = "invalid"
    field: str | None = None

    def __str__(self):
        return self.message


def follow_up_days():
    return int(getattr(settings, "PASSINNOV_FOLLOW_UP_DAYS", DEFAULT_FOLLOW_UP_DAYS))


def _changed(user, withdrawn):
    transaction.on_commit(
        lambda: declarations_changed.send(sender=Declaration, user=user, withdrawn=withdrawn), robust=True
    )


# --- Declarations ----------------------------------------------------------------------------------------


def _checked(values, now):
    """A declaration's values, validated (the form already checked types and choices); raise PracticeError."""
    values = {"account": "", "sharing": Sharing.PRIVATE} | values
    if set(values) != set(FIELDS):
        raise TypeError(f"a declaration has exactly these values: {', '.join(FIELDS)}")
    used_on = values["used_on"]
    if used_on > timezone.localdate(now):
        raise PracticeError(_("The date of use cannot be in the future."), "future", "used_on")
    if used_on < EARLIEST_USE:
        raise PracticeError(
            _("The date of use cannot be before %(date)s.") % {"date": dates.long_date(EARLIEST_USE)},
            "too_old",
            "used_on",
        )
    for name, choices in (("team_size", TeamSize), ("audience", Audience), ("setting", Setting), ("sharing", Sharing)):
        if values[name] not in choices.values:
            raise PracticeError(_("Choose one of the answers offered."), "invalid_choice", name)
    rating = values["rating"]
    if isinstance(rating, bool) or not isinstance(rating, int) or not RATING_MIN <= rating <= RATING_MAX:
        raise PracticeError(_("Choose a rating from 1 to 5."), "invalid_rating", "rating")
    account = (values["account"] or "").strip()
    if len(account) > ACCOUNT_MAX_LENGTH:
        raise PracticeError(
            _("Keep your account under %(limit)s characters.") % {"limit": ACCOUNT_MAX_LENGTH}, "too_long", "account"
        )
    if values["sharing"] != Sharing.PRIVATE and not account:
        raise PracticeError(
            _("Write your account to share it, or choose to keep it for you."), "nothing_to_share", "account"
        )
    return values | {"account": account}


def _moderation_for(sharing):
    return Moderation.NOT_SHARED if sharing == Sharing.PRIVATE else Moderation.PENDING


def _write_statement(declaration):
    fiche = declaration.fiche
    statement = events.used(
        declaration.user,
        fiche,
        declaration.used_on,
        rating=declaration.rating,
        team_size=declaration.team_size,
        setting=declaration.setting,
        audience=declaration.audience,
        module=fiche.related_module,
    )
    declaration.statement_id = statement.statement_id


def _void_statement(declaration, user):
    statement = Statement.objects.filter(statement_id=declaration.statement_id, voided=False).first()
    if statement is not None:
        events.void(statement, reason_user=user)
    declaration.statement_id = None


def declare(user, fiche, *, now=None, **values):
    """Record that `user` used `fiche` (a live FichePage) with a team; writes the `used` statement.

    `values`: used_on (a date), team_size, audience, setting, rating (1..5), and optionally account and sharing.
    """
    now = now or timezone.now()
    if not fiche.live:
        raise PracticeError(_("This fiche is not published."), "not_live")
    values = _checked(values, now)
    with transaction.atomic():
        declaration = Declaration(
            user=user,
            fiche=fiche,
            moderation=_moderation_for(values["sharing"]),
            created_at=now,
            updated_at=now,
            **values,
        )
        declaration.save()
        _write_statement(declaration)
        declaration.save(update_fields=["statement_id"])
        _changed(user, withdrawn=False)
    return declaration


def _own(declaration, user):
    """The declaration, locked, if it belongs to `user`."""
    current = (
        Declaration.objects.select_related("fiche__related_module", "user")
        .select_for_update(of=("self",))
        .filter(pk=declaration.pk)
        .first()
    )
    if current is None or current.user_id != user.pk:
        raise PracticeError(_("This declaration is not yours."), "not_owner")
    return current


def update(declaration, user, *, now=None, **values):
    """The author edits their declaration (same values as `declare`; see the module docstring for what it does
    to the learning record and to the moderation)."""
    now = now or timezone.now()
    values = _checked({name: getattr(declaration, name) for name in FIELDS} | values, now)
    with transaction.atomic():
        declaration = _own(declaration, user)
        statement_changed = any(getattr(declaration, name) != values[name] for name in STATEMENT_FIELDS)
        account_changed = declaration.account != values["account"] or declaration.sharing != values["sharing"]
        for name, value in values.items():
            setattr(declaration, name, value)
        if account_changed:
            declaration.moderation = _moderation_for(declaration.sharing)
            declaration.rejection_reason = ""
            declaration.moderated_by = None
            declaration.moderated_at = None
            declaration.published_at = None
        if statement_changed:
            _void_statement(declaration, user)
            _write_statement(declaration)
        declaration.updated_at = now
        declaration.save()
    return declaration


def withdraw(declaration, user):
    """The author withdraws their declaration: its statement is voided and the row deleted."""
    with transaction.atomic():
        declaration = _own(declaration, user)
        _void_statement(declaration, user)
        declaration.delete()
        _changed(user, withdrawn=True)
    return declaration


# --- Moderation -------------------------------------------------------------------------------------------


def _to_decide(declaration, moderator, decidable):
    """The declaration, locked, if `moderator` may decide on it now (its state is one of `decidable`)."""
    if not can_moderate(moderator):
        raise PracticeError(_("Only moderators publish or refuse shared accounts."), "forbidden")
    current = (
        Declaration.objects.select_for_update(of=("self",))
        .select_related("user", "fiche")
        .filter(pk=declaration.pk)
        .first()
    )
    if current is None:
        raise PracticeError(_("This account no longer exists: its author withdrew it."), "gone")
    if current.moderation not in decidable:
        raise PracticeError(_("This account is no longer awaiting moderation."), "not_pending")
    return current


def _decide(declaration, moderator, moderation, now, reason="", decidable=(Moderation.PENDING,)):
    declaration = _to_decide(declaration, moderator, decidable)
    was_published = declaration.is_published
    declaration.moderation = moderation
    declaration.moderated_by = moderator
    declaration.moderated_at = now
    declaration.published_at = now if moderation == Moderation.PUBLISHED else None
    declaration.rejection_reason = reason
    declaration.save(update_fields=["moderation", "moderated_by", "moderated_at", "published_at", "rejection_reason"])
    return declaration, was_published


def publish(declaration, moderator, now=None):
    """A moderator publishes a shared account awaiting moderation: it appears on the fiche's page."""
    with transaction.atomic():
        declaration, _was_published = _decide(declaration, moderator, Moderation.PUBLISHED, now or timezone.now())
    return declaration


def reject(declaration, moderator, reason, now=None, notify=True):
    """A moderator refuses an account awaiting moderation, or takes a published one down; the reason is emailed
    to the author after commit."""
    reason = (reason or "").strip()
    if not reason:
        raise PracticeError(_("Give the reason, for the author."), "no_reason", "reason")
    if len(reason) > REJECTION_REASON_MAX_LENGTH:
        raise PracticeError(
            _("Keep the reason under %(limit)s characters.") % {"limit": REJECTION_REASON_MAX_LENGTH},
            "too_long",
            "reason",
        )
    with transaction.atomic():
        declaration, was_published = _decide(
            declaration,
            moderator,
            Moderation.REJECTED,
            now or timezone.now(),
            reason,
            decidable=(Moderation.PENDING, Moderation.PUBLISHED),
        )
        if notify:
            after_commit(emails.send_rejection, declaration, was_published)
    return declaration


def moderation_queue():
    """Accounts awaiting moderation, oldest first."""
    return Declaration.objects.pending().select_related("fiche", "user__directorate").order_by("created_at", "pk")


def recently_moderated(limit=20):
    return (
        Declaration.objects.filter(moderation__in=[Moderation.PUBLISHED, Moderation.REJECTED])
        .select_related("fiche", "moderated_by")
        .order_by("-moderated_at", "-pk")[:limit]
    )


# --- Reading ----------------------------------------------------------------------------------------------


def usage_counts(user):
    """(declared uses, different fiches) of an agent: one query on the agent's own rows (indexed by user)."""
    counts = Declaration.objects.filter(user=user).aggregate(uses=Count("pk"), fiches=Count("fiche", distinct=True))
    return counts["uses"], counts["fiches"]


def qualifying_user_ids(min_uses, min_fiches):
    """Agents with at least `min_uses` declared uses of at least `min_fiches` different fiches."""
    rows = (
        Declaration.objects.values("user_id")
        .annotate(uses=Count("pk"), fiches=Count("fiche", distinct=True))
        .filter(uses__gte=min_uses, fiches__gte=min_fiches)
    )
    return {row["user_id"] for row in rows}


def fiche_summary(fiche, user, page_number=1):
    """What the fiche's page shows about its use: one query for the agent's own count; the figures and the
    published accounts (the same for everyone) are cached until a declaration, an account or a page changes
    (core.fragments), three queries to rebuild whatever the number of declarations.

    `user` may be anonymous (an editor's preview is rendered for an anonymous request): nothing is theirs."""
    page_number = str(page_number or 1)
    if page_number.isdigit() and len(page_number) <= 4:
        shared = fragments.cached(
            "fiche-practices",
            (fragments.PRACTICES, fragments.ACCOUNTS, fragments.PAGES),
            [fiche.pk, page_number],
            lambda: _fiche_practices(fiche, page_number),
        )
    else:
        shared = _fiche_practices(fiche, page_number)
    mine = Declaration.objects.filter(fiche=fiche, user_id=user.pk).count() if user.is_authenticated else 0
    return {"fiche": fiche, "figures": shared["figures"] | {"mine": mine}} | {
        key: shared[key] for key in ("accounts", "page_obj")
    }


def _fiche_practices(fiche, page_number):
    figures = Declaration.objects.filter(fiche=fiche).aggregate(
        uses=Count("pk"), directorates=Count("user__directorate", distinct=True)
    )
    accounts = (
        Declaration.objects.published()
        .filter(fiche=fiche)
        .select_related("user__directorate")
        .order_by("-published_at", "-pk")
    )
    paginator = Paginator(accounts, ACCOUNTS_PER_PAGE)
    found = paginator.get_page(page_number)
    # what is cached holds the page's rows and the count, never the query (pickling it would read every row)
    page = Paginator(range(paginator.count), ACCOUNTS_PER_PAGE).get_page(found.number)
    page.object_list = list(found.object_list)
    return {"figures": figures, "accounts": page.object_list, "page_obj": page}


def declarations_of(user):
    """The agent's declarations, with their fiche and module, module by module then fiche by fiche."""
    return (
        Declaration.objects.filter(user=user)
        .select_related("fiche__related_module")
        .order_by(french_order("fiche__related_module__title"), french_order("fiche__title"), "-used_on", "-pk")
    )


def grouped_by_module(declarations):
    """[{module, fiches: [{fiche, declarations}]}] from declarations ordered by module then fiche."""
    groups = []
    for declaration in declarations:
        module = declaration.fiche.related_module
        if not groups or groups[-1]["module"] != module:
            groups.append({"module": module, "fiches": []})
        fiches = groups[-1]["fiches"]
        if not fiches or fiches[-1]["fiche"] != declaration.fiche:
            fiches.append({"fiche": declaration.fiche, "declarations": []})
        fiches[-1]["declarations"].append(declaration)
    return groups


@dataclass
class Summary:
    """« Mes pratiques » in Mon parcours."""

    uses: int
    fiches: int
    recent: list
    follow_ups: list


RECENT_LIMIT = 5


def summary(user, now=None, follow_ups=None):
    """Totals and the latest declarations (one query), and the follow-ups to answer (one more query unless
    `follow_ups` is given: `due_follow_ups_among` the agent's registrations already read)."""
    own = Declaration.objects.filter(user=user)
    recent = list(
        own.annotate(
            fiche_title=F("fiche__title"),  # the title only: a page object per row costs more than the query
            # uncorrelated: computed once for the query (an InitPlan), whatever the number of rows
            total_uses=Subquery(own.values("user").annotate(n=Count("pk")).values("n")),
            total_fiches=Subquery(own.values("user").annotate(n=Count("fiche", distinct=True)).values("n")),
        ).order_by("-used_on", "-pk")[:RECENT_LIMIT]
    )
    uses, fiches = (recent[0].total_uses, recent[0].total_fiches) if recent else (0, 0)
    if follow_ups is None:
        follow_ups = due_follow_ups(user, now)
    return Summary(uses=uses, fiches=fiches, recent=recent, follow_ups=follow_ups)


# --- Follow-up after a module -----------------------------------------------------------------------------


@dataclass
class DueFollowUp:
    module_id: int
    module_title: str
    attended_at: object


def _window(now):
    """[start, end): the attendances whose follow-up is open on the Paris day of `now`.

    The question opens on the day `PASSINNOV_FOLLOW_UP_DAYS` days after the session (a calendar day, so it
    does not depend on the hour) and stays open `FOLLOW_UP_OPEN_DAYS` days.
    """
    tz = timezone.get_current_timezone()
    last_day = timezone.localdate(now) - timedelta(days=follow_up_days())
    first_day = last_day - timedelta(days=FOLLOW_UP_OPEN_DAYS - 1)
    return (
        datetime.combine(first_day, time.min, tzinfo=tz),
        datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=tz),
    )


def open_attendances(now):
    """The registrations (a Q) whose follow-up is open now: attended, the session ended within the window."""
    start, end = _window(now)
    return Q(
        status=Registration.Status.REGISTERED,
        attendance=Registration.Attendance.PRESENT,
        session__end__gte=start,
        session__end__lt=end,
    )


def _attendances(now):
    """Attendances whose follow-up is open now: the session ended between the window's bounds."""
    return Registration.objects.filter(open_attendances(now))


def due_follow_ups(user, now=None):
    """Modules whose follow-up is open for the agent and not answered yet (one query)."""
    now = now or timezone.now()
    answered = FollowUp.objects.filter(user=user, module=OuterRef("session__module"), answered_at__isnull=False)
    rows = (
        _attendances(now)
        .filter(user=user)
        .exclude(Exists(answered))
        .values("session__module_id", "session__module__title")
        .annotate(attended_at=Max("session__end"))
        .order_by("attended_at", "session__module_id")
    )
    return [DueFollowUp(r["session__module_id"], r["session__module__title"], r["attended_at"]) for r in rows]


def follow_up_answered():
    """Whether the agent of a registration answered the follow-up of its session's module (an annotation)."""
    return Exists(
        FollowUp.objects.filter(user=OuterRef("user"), module=OuterRef("session__module"), answered_at__isnull=False)
    )


def due_follow_ups_among(registrations, now=None):
    """`due_follow_ups` from the agent's registrations already read, with no query: they must include every
    registration of `open_attendances(now)`, with their session and its module, annotated
    `follow_up_answered`."""
    now = now or timezone.now()
    start, end = _window(now)
    latest = {}
    for registration in registrations:
        session = registration.session
        if (
            registration.status == Registration.Status.REGISTERED
            and registration.attendance == Registration.Attendance.PRESENT
            and start <= session.end < end
            and not registration.follow_up_answered
        ):
            known = latest.get(session.module_id)
            if known is None or session.end > known.attended_at:
                latest[session.module_id] = DueFollowUp(session.module_id, session.module.title, session.end)
    return sorted(latest.values(), key=lambda due: (due.attended_at, due.module_id))


def follow_up_state(user, module, now=None):
    """("open" | "answered" | "not_yet" | "closed" | "not_attended", FollowUp or None, attended_at or None)."""
    now = now or timezone.now()
    follow_up = FollowUp.objects.filter(user=user, module=module).first()
    if follow_up is not None and follow_up.is_answered:
        return "answered", follow_up, None
    attended_at = (
        Registration.objects.filter(
            user=user,
            session__module=module,
            status=Registration.Status.REGISTERED,
            attendance=Registration.Attendance.PRESENT,
        )
        .aggregate(last=Max("session__end"))
        .get("last")
    )
    if attended_at is None:
        return "not_attended", follow_up, None
    start, end = _window(now)
    if attended_at >= end:
        return "not_yet", follow_up, attended_at
    if attended_at < start:
        return "closed", follow_up, attended_at
    return "open", follow_up, attended_at


def opens_on(attended_at):
    return timezone.localdate(attended_at) + timedelta(days=follow_up_days())


def refusal(state, attended_at):
    """The French reason a follow-up cannot be answered, for a state other than "open"."""
    if state == "answered":
        return PracticeError(_("You have already answered this question for this module: thank you."), "answered")
    if state == "not_attended":
        return PracticeError(_("This question is asked to the agents who attended the module."), "not_attended")
    if state == "not_yet":
        return PracticeError(
            ngettext(
                "This question will be asked on %(date)s, %(days)s day after your session: come back then.",
                "This question will be asked on %(date)s, %(days)s days after your session: come back then.",
                follow_up_days(),
            )
            % {"date": dates.long_date(opens_on(attended_at)), "days": follow_up_days()},
            "not_yet",
        )
    return PracticeError(
        ngettext(
            "This question is closed: it stays open %(days)s day.",
            "This question is closed: it stays open %(days)s days.",
            FOLLOW_UP_OPEN_DAYS,
        )
        % {"days": FOLLOW_UP_OPEN_DAYS},
        "closed",
    )


def module_fiches(module):
    return list(
        FichePage.objects.live().filter(related_module=module).order_by(french_order("title")).only("id", "title")
    )


def prefilled_fiche_ids(user, module, since=None):
    """Fiches of the module the agent declared using (since attending it, when known): the answer's default."""
    declarations = Declaration.objects.filter(user=user, fiche__related_module=module)
    if since is not None:
        declarations = declarations.filter(used_on__gte=timezone.localdate(since))
    return set(declarations.values_list("fiche_id", flat=True))


def answer_follow_up(user, module, *, frequency, fiche_ids=(), obstacles=(), other_obstacle="", now=None):
    """Record the agent's answer for `module` (once), with its `answered` statement."""
    now = now or timezone.now()
    if frequency not in Frequency.values:
        raise PracticeError(_("Tell us whether you reused what you learnt."), "invalid_choice", "frequency")
    fiches = {fiche.pk: fiche for fiche in module_fiches(module)}
    if any(fiche_id not in fiches for fiche_id in fiche_ids):
        raise PracticeError(_("Choose among the fiches of the module."), "invalid_choice", "fiches")
    if frequency == Frequency.NEVER and fiche_ids:
        raise PracticeError(
            _("You ticked fiches you used: tell us how often you reused what you learnt."), "contradiction", "frequency"
        )
    if any(code not in Obstacle.values for code in obstacles):
        raise PracticeError(_("Choose among the obstacles offered."), "invalid_choice", "obstacles")
    other_obstacle = (other_obstacle or "").strip()
    if len(other_obstacle) > OTHER_OBSTACLE_MAX_LENGTH:
        raise PracticeError(
            _("Keep your answer under %(limit)s characters.") % {"limit": OTHER_OBSTACLE_MAX_LENGTH},
            "too_long",
            "other_obstacle",
        )
    obstacles = sorted(set(obstacles))
    if other_obstacle and Obstacle.OTHER not in obstacles:
        obstacles.append(Obstacle.OTHER)
    state, _follow_up, attended_at = follow_up_state(user, module, now)
    if state != "open":
        raise refusal(state, attended_at)
    with transaction.atomic():
        follow_up, _created = FollowUp.objects.get_or_create(user=user, module=module)  # unique: one row
        follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)  # serialises concurrent answers
        if follow_up.is_answered:
            raise refusal("answered", None)
        chosen = [fiches[fiche_id] for fiche_id in sorted(set(fiche_ids))]
        follow_up.frequency = frequency
        follow_up.other_obstacle = other_obstacle
        follow_up.answered_at = now
        statement = events.answered(
            user, module, frequency=frequency, fiches=chosen, obstacles=obstacles, timestamp=now
        )
        follow_up.statement_id = statement.statement_id
        follow_up.save()
        follow_up.fiches.set(chosen)
        FollowUpObstacle.objects.bulk_create([FollowUpObstacle(follow_up=follow_up, code=code) for code in obstacles])
    return follow_up


def send_follow_up_reminders(now=None):
    """Email the agents whose follow-up opened recently; once per agent and module (idempotent).

    Returns (sent, failed). A failed email releases its claim, so the next run retries it (core.reminders).
    """
    now = now or timezone.now()
    _start, end = _window(now)
    recent = end - timedelta(days=REMINDER_CATCH_UP_DAYS)
    handled = FollowUp.objects.filter(user=OuterRef("user"), module=OuterRef("session__module")).filter(
        Q(reminder_sent_at__isnull=False) | Q(answered_at__isnull=False)
    )
    due = (
        _attendances(now)
        .filter(session__end__gte=recent, user__is_active=True)
        .exclude(Exists(handled))
        .values_list("user_id", "session__module_id")
        .distinct()
        .order_by("user_id", "session__module_id")
    )
    outcomes = []
    for user_id, module_id in list(due):
        follow_up, _created = FollowUp.objects.get_or_create(user_id=user_id, module_id=module_id)

        def send(follow_up=follow_up):
            emails.send_follow_up_reminder(FollowUp.objects.select_related("user", "module").get(pk=follow_up.pk))

        outcomes.append(send_once(FollowUp, follow_up.pk, "reminder_sent_at", now, send, answered_at__isnull=True))
    return outcomes.count(SENT), outcomes.count(FAILED)
