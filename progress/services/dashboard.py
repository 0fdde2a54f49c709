"""What "Mon parcours" shows, computed in a fixed number of queries whatever the size of the store."""

from dataclasses import dataclass, field

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import roles
from core import dates, fragments
from core.sorting import french_order
from fiches.models import FichePage
from parcours.models import ModulePage
from practices import services as practice_services
from progress.models import Badge, BadgeAward, PathChoice, Progress, TrainerProgress
from progress.services import badges as badge_service
from progress.services import progress as progress_service
from training_sessions import services as session_services
from training_sessions.models import Registration, Session
from videos.models import VideoPage

RELATED_LIMIT = 6


def _url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _when(dt):
    return dates.weekday_date_and_time(dt)


# One sentence per state of a module in the path (shown as the stepper's legend).
STATUS_HELP = {
    Progress.Status.NONE: gettext_lazy("You have not registered for a session of this module yet."),
    Progress.Status.PLANNED: gettext_lazy("You chose this module for your path: register for one of its sessions."),
    Progress.Status.WAITING: gettext_lazy(
        "You are on the waiting list of a session: you will get an email if a place frees up."
    ),
    Progress.Status.REGISTERED: gettext_lazy("You have a place in an upcoming session of this module."),
    Progress.Status.ATTENDED: gettext_lazy(
        "Your presence at a session is recorded, but not yet the completion of the module: it will count for "
        "badges and attestations once completed."
    ),
    Progress.Status.COMPLETED: gettext_lazy(
        "A facilitator recorded your presence at a session: the module is completed and counts for your badges "
        "and attestations."
    ),
}


@dataclass
class BadgeToEarn:
    badge: object
    missing: list


@dataclass
class Step:
    module: object
    status: str
    status_label: str
    chosen: bool = True
    registration: object = None


@dataclass
class Action:
    sentence: str
    label: str
    url: str


@dataclass
class Dashboard:
    modules: list
    entry: object
    chosen_ids: set
    steps: list
    current_index: int
    upcoming: list
    pending_evaluations: list
    awards: list
    completed_modules: list
    fiches: list = field(default_factory=list)
    videos: list = field(default_factory=list)
    action: Action | None = None
    practices: practice_services.Summary | None = None
    badges_to_earn: list = field(default_factory=list)
    status_help: list = field(default_factory=list)

    @property
    def current_step(self):
        return self.steps[self.current_index] if self.current_index < len(self.steps) else None

    @property
    def next_step(self):
        return self.steps[self.current_index + 1] if self.current_index + 1 < len(self.steps) else None

    @property
    def all_done(self):
        return self.current_index >= len(self.steps)

    @property
    def remaining_steps(self):
        """The modules of the programme not completed yet, in path order."""
        return [s for s in self.steps if s.status != Progress.Status.COMPLETED]

    @property
    def optional_modules(self):
        return [m for m in self.modules if not m.is_entry_module]


def choose_modules(user, module_ids):
    """Replace the agent's personal path by these (non-entry, live) modules. Returns the chosen ids."""

    valid = set(ModulePage.objects.live().filter(pk__in=module_ids, is_entry_module=False).values_list("pk", flat=True))
    with transaction.atomic():
        PathChoice.objects.filter(user=user).exclude(module_id__in=valid).delete()
        existing = set(PathChoice.objects.filter(user=user).values_list("module_id", flat=True))
        PathChoice.objects.bulk_create([PathChoice(user=user, module_id=i) for i in sorted(valid - existing)])
        progress_service.set_planned(user, valid)
    return valid


def build(user, now=None):

    now = now or timezone.now()
    modules = fragments.cached("path-modules", (fragments.PAGES,), [], _path_modules)
    entry = next((m for m in modules if m.is_entry_module), None)
    progress = {p.module_id: p for p in Progress.objects.filter(user=user)}
    chosen_ids = set(PathChoice.objects.filter(user=user).values_list("module_id", flat=True))
    upcoming = list(
        Registration.objects.active()
        .filter(user=user, session__end__gt=now, session__status=Session.Status.SCHEDULED)
        .select_related("session__module", "session__location")
        .order_by("session__start")
    )
    upcoming_by_module = {}
    for registration in upcoming:
        upcoming_by_module.setdefault(registration.session.module_id, registration)

    labels = dict(Progress.Status.choices)
    steps = []
    for module in modules:
        row = progress.get(module.pk)
        registration = upcoming_by_module.get(module.pk)
        # The programme: the entry module and the chosen modules, or every module while none is chosen.
        in_programme = module.is_entry_module or not chosen_ids or module.pk in chosen_ids
        relevant = in_programme or registration is not None
        if not (relevant or (row and row.status != Progress.Status.NONE)):
            continue
        status = row.status if row else Progress.Status.NONE
        if status in (Progress.Status.NONE, Progress.Status.PLANNED) and registration is not None:
            status = (
                Progress.Status.WAITING
                if registration.status == Registration.Status.WAITING
                else Progress.Status.REGISTERED
            )
        if status == Progress.Status.NONE and module.pk in chosen_ids:
            status = Progress.Status.PLANNED
        steps.append(
            Step(
                module=module,
                status=status,
                status_label=str(labels[status]),
                chosen=in_programme,
                registration=registration,
            )
        )
    # Completed steps first (in path order), then the rest: the stepper shows where the agent stands.
    steps.sort(key=lambda s: (s.status != Progress.Status.COMPLETED, not s.module.is_entry_module))
    current_index = next((i for i, s in enumerate(steps) if s.status != Progress.Status.COMPLETED), len(steps))

    pending = list(session_services.pending_evaluations(user))
    awards = list(
        BadgeAward.objects.filter(user=user, revoked=False)
        .select_related("badge", "badge__image")
        .order_by("issued_on")
    )
    completed_modules = [s.module for s in steps if s.status == Progress.Status.COMPLETED]
    related_ids = [s.module.pk for s in steps]
    fiches, videos = fragments.cached(
        "path-related", (fragments.PAGES,), sorted(related_ids), lambda: _related_pages(related_ids)
    )
    dashboard = Dashboard(
        modules=modules,
        entry=entry,
        chosen_ids=chosen_ids,
        steps=steps,
        current_index=current_index,
        upcoming=upcoming,
        pending_evaluations=pending,
        awards=awards,
        completed_modules=completed_modules,
        fiches=fiches,
        videos=videos,
        practices=practice_services.summary(user, now),
    )
    dashboard.action = next_action(dashboard, now)
    dashboard.badges_to_earn = badges_to_earn(user, modules, progress, awards)
    labels = dict(Progress.Status.choices)
    dashboard.status_help = [(str(labels[status]), str(text)) for status, text in STATUS_HELP.items()]
    return dashboard


def badges_to_earn(user, modules, progress, awards):
    """The active badges the agent has not earned yet, each with what is missing (`badges.what_is_missing`).

    Trainer badges are listed for people who may facilitate (or have facilitated). A fixed number of queries:
    badges with their modules, trainer counts, and the declared uses when a self-declared badge is listed."""
    earned = {a.badge_id for a in awards}
    trainer = TrainerProgress.objects.filter(user=user).first()
    shows_trainer = trainer is not None or roles.can(user, "facilitate")
    badges = [
        b
        for b in Badge.objects.filter(active=True).exclude(pk__in=earned).prefetch_related("modules").order_by("name")
        if shows_trainer or not b.is_trainer_badge
    ]
    if not badges:
        return []
    completed_ids = {module_id for module_id, row in progress.items() if row.status == Progress.Status.COMPLETED}
    entry_ids = {m.pk for m in modules if m.is_entry_module}
    titles = {m.pk: m.title for m in modules}
    for badge in badges:
        titles.update({m.pk: m.title for m in badge.modules.all()})
    declared = practice_services.usage_counts(user) if any(b.is_self_declared for b in badges) else (0, 0)
    result = []
    for badge in badges:
        missing = badge_service.what_is_missing(badge, completed_ids, entry_ids, trainer, declared, titles)
        if missing:  # a rule that holds is awarded by the receivers; nothing to say here
            result.append(BadgeToEarn(badge=badge, missing=missing))
    return result


def _path_modules():
    """The live modules, the entry module first: the same for every agent, cached until a page changes."""
    return list(
        ModulePage.objects.live()
        .order_by("-is_entry_module", "path")
        .only("id", "title", "url_path", "path", "depth", "summary", "duration_minutes", "is_entry_module")
    )


def _related_pages(module_ids):
    """(fiches, videos) of these modules: the same for every agent with these modules, cached (core.fragments)."""
    fiches = list(
        FichePage.objects.live()
        .filter(related_module_id__in=module_ids)
        .select_related("related_module")
        .order_by("related_module_id", french_order("title"))[:RELATED_LIMIT]
    )
    return fiches, _related_videos(module_ids)


def _related_videos(module_ids):
    return list(
        VideoPage.objects.live()
        .filter(related_module_id__in=module_ids)
        .select_related("related_module")
        .order_by("related_module_id", french_order("title"))[:RELATED_LIMIT]
    )


def _next_open_session(module, now, after=None):
    """The next session of `module` open for registration, with places left, starting after `after`."""

    for session in session_services.next_sessions_of([module], limit=10, now=now):
        if session.places_left > 0 and (after is None or session.start >= after):
            return session
    return None


def next_action(dashboard, now):
    """The one useful thing to do now, as a sentence and a button (at most one more query).

    A later module's session is only suggested when the agent may register for it: entry module completed,
    or a place in an entry-module session that ends before it starts.
    """
    entry_step = next((s for s in dashboard.steps if s.module.is_entry_module), None)
    after = None
    if entry_step is not None and entry_step.status != Progress.Status.COMPLETED:
        entry_registration = entry_step.registration
        if entry_registration is not None and entry_registration.status == "registered":
            after = entry_registration.session.end
    blocked = entry_step is not None and entry_step.status != Progress.Status.COMPLETED and after is None
    for step in dashboard.steps[dashboard.current_index :]:
        if step.status in (Progress.Status.REGISTERED, Progress.Status.WAITING, Progress.Status.ATTENDED):
            continue
        if blocked and not step.module.is_entry_module:
            continue  # later modules open once the entry module is completed or booked
        session = _next_open_session(step.module, now, after=None if step.module.is_entry_module else after)
        if session is not None:
            return Action(
                _("Register for the next session of “%(module)s”, on %(date)s in %(place)s (%(places)s places left).")
                % {
                    "module": step.module.title,
                    "date": _when(session.start),
                    "place": session.place_label,
                    "places": session.places_left,
                },
                _("Register for the session"),
                _url("training_sessions:detail", session.pk) or step.module.url,
            )
        return Action(
            _("No session of “%(module)s” has places left for now: see the module and its sessions.")
            % {"module": step.module.title},
            _("See the module"),
            step.module.url,
        )
    if dashboard.pending_evaluations:
        registration = dashboard.pending_evaluations[0]
        return Action(
            _("Tell us what you thought of the session “%(module)s” of %(date)s.")
            % {"module": registration.session.module.title, "date": _when(registration.session.start)},
            _("Rate the session"),
            _url("training_sessions:evaluate", registration.session_id),
        )
    for step in dashboard.steps[dashboard.current_index :]:
        if step.registration is not None:
            session = step.registration.session
            if step.status == Progress.Status.WAITING:
                sentence = _(
                    "You are on the waiting list of “%(module)s” on %(date)s: we will tell you if a place frees up."
                )
            else:
                sentence = _("Your next session: “%(module)s”, on %(date)s in %(place)s.")
            return Action(
                sentence % {"module": session.module.title, "date": _when(session.start), "place": session.place_label},
                _("See the session"),
                _url("training_sessions:detail", session.pk),
            )
    return Action(
        _("Your path is up to date: choose new modules to go further."),
        _("Choose modules"),
        "#choisir",
    )
