"""What "Mon parcours" shows, computed in a fixed number of queries whatever the size of the store."""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

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
from training_sessions.models import Evaluation, Registration, Session
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
    def steps_key(self):
        """Everything « Where I stand » shows besides the pages and the language: each step's module and state,
        in order, and whether the agent chose modules. Its HTML is cached under this key (a small set of
        combinations, shared by every agent at the same point)."""
        return ",".join(f"{s.module.pk}:{s.status}" for s in self.steps) + ("|chosen" if self.chosen_ids else "")

    @property
    def completed_key(self):
        """What « My attestations » shows besides the pages and the language: the completed modules."""
        return ",".join(str(m.pk) for m in self.completed_modules)

    @property
    def optional_modules(self):
        return [m for m in self.modules if not m.is_entry_module]


def path_form_html(form, chosen_ids, request=None):
    """The unbound path form's HTML: a function of the modules and of the chosen ones only, cached by them."""
    return fragments.cached(
        "path-form", (fragments.PAGES,), [get_language(), *sorted(chosen_ids)], lambda: str(form), request
    )


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
    """Everything Mon parcours shows. What is the same for every agent (modules, badges, related pages, open
    sessions) comes from the fragment cache; the agent's own data is read live, one query per kind: progress
    and path choices, registrations (upcoming, to rate, follow-ups), badge awards, declarations, and the
    trainer counts when a trainer badge is still to earn."""

    now = now or timezone.now()
    modules = fragments.cached("path-modules-with-links", (fragments.PAGES,), [], _path_modules)
    entry = next((m for m in modules if m.is_entry_module), None)
    statuses, chosen_ids = _statuses_and_choices(user)
    registrations = _registrations(user, now, modules)
    upcoming = [
        r
        for r in registrations
        if r.status in ACTIVE and r.session.end > now and r.session.status == Session.Status.SCHEDULED
    ]
    upcoming_by_module = {}
    for registration in upcoming:
        upcoming_by_module.setdefault(registration.session.module_id, registration)

    labels = dict(Progress.Status.choices)
    steps = []
    for module in modules:
        stored = statuses.get(module.pk)
        registration = upcoming_by_module.get(module.pk)
        # The programme: the entry module and the chosen modules, or every module while none is chosen.
        in_programme = module.is_entry_module or not chosen_ids or module.pk in chosen_ids
        relevant = in_programme or registration is not None
        if not (relevant or (stored and stored != Progress.Status.NONE)):
            continue
        status = stored or Progress.Status.NONE
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

    pending = sorted(
        (r for r in registrations if r.attendance == Registration.Attendance.PRESENT and not r.rated),
        key=lambda r: r.session.start,
        reverse=True,
    )
    definitions = fragments.cached("badge-definitions", (fragments.PAGES,), [], _badge_definitions)
    awards = _awards(user, definitions)
    completed_modules = [s.module for s in steps if s.status == Progress.Status.COMPLETED]
    related_ids = [s.module.pk for s in steps]
    fiches, videos = fragments.cached(
        "path-related-with-links", (fragments.PAGES,), sorted(related_ids), lambda: _related_pages(related_ids)
    )
    practices = practice_services.summary(
        user, now, follow_ups=practice_services.due_follow_ups_among(registrations, now)
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
        practices=practices,
    )
    dashboard.action = next_action(dashboard, now)
    dashboard.badges_to_earn = badges_to_earn(
        user, modules, statuses, awards, definitions, (practices.uses, practices.fiches)
    )
    dashboard.status_help = [(str(labels[status]), str(text)) for status, text in STATUS_HELP.items()]
    return dashboard


ACTIVE = (Registration.Status.REGISTERED, Registration.Status.WAITING)
_CHOSEN = "chosen"  # the status column of a path choice in `_statuses_and_choices`


def _statuses_and_choices(user):
    """({module id: stored progress status}, {chosen module ids}) of the agent, in one query."""
    rows = (
        Progress.objects.filter(user=user)
        .values_list("module_id", "status")
        .union(
            PathChoice.objects.filter(user=user).values_list("module_id", Value(_CHOSEN, output_field=CharField())),
            all=True,
        )
    )
    statuses, chosen_ids = {}, set()
    for module_id, status in rows:
        if status == _CHOSEN:
            chosen_ids.add(module_id)
        else:
            statuses[module_id] = status
    return statuses, chosen_ids


_REGISTRATION_FIELDS = (
    "status",
    "attendance",
    "session__module_id",
    "session__start",
    "session__end",
    "session__status",
    "session__location__name",
)


def _registrations(user, now, modules):
    """The agent's registrations Mon parcours shows, in one query: active ones of sessions not ended yet
    (upcoming), attended ones not rated yet (to rate), and those whose follow-up is open now
    (practices.due_follow_ups_among). Annotated `rated` and `follow_up_answered`, soonest session first."""
    wanted = (
        Q(status__in=ACTIVE, session__end__gt=now, session__status=Session.Status.SCHEDULED)
        | Q(attendance=Registration.Attendance.PRESENT, rated=False)
        | practice_services.open_attendances(now)
    )
    registrations = list(
        Registration.objects.filter(user=user)
        .annotate(
            rated=Exists(Evaluation.objects.filter(registration=OuterRef("pk"))),
            follow_up_answered=practice_services.follow_up_answered(),
        )
        .filter(wanted)
        .select_related("session__location")
        .only(*_REGISTRATION_FIELDS)  # what the page shows: fewer columns to read and objects to fill per row
        .order_by("session__start", "pk")
    )
    # Each session's module from the cached live modules (a page object per row costs more than the query);
    # a module no longer live (an old session still to rate) is read with one more query.
    by_id = {module.pk: module for module in modules}
    missing = {r.session.module_id for r in registrations} - by_id.keys()
    if missing:
        by_id.update(ModulePage.objects.in_bulk(missing))
    for registration in registrations:
        registration.session.module = by_id[registration.session.module_id]
    return registrations


def _awards(user, definitions):
    """The agent's badges (one query), each with its badge from the cached definitions."""
    awards = list(BadgeAward.objects.filter(user=user, revoked=False).order_by("issued_on"))
    for award in awards:
        definition = definitions.get(award.badge_id)
        if definition is not None:  # a badge created since the definitions were read is fetched with the award
            award.badge = definition.badge
    return awards


@dataclass
class BadgeDefinition:
    badge: object
    module_ids: frozenset  # the modules of an "all the modules of a list" rule
    titles: dict  # their titles, by id


def _badge_definitions():
    """{badge id: BadgeDefinition} of every badge: the same for every agent, cached until a page or a badge
    changes (progress.receivers). Two queries."""
    badges = {badge.pk: badge for badge in Badge.objects.order_by("name")}
    modules = {pk: (set(), {}) for pk in badges}
    for badge_id, module_id, title in Badge.modules.through.objects.filter(badge_id__in=badges).values_list(
        "badge_id", "modulepage_id", "modulepage__title"
    ):
        modules[badge_id][0].add(module_id)
        modules[badge_id][1][module_id] = title
    return {
        pk: BadgeDefinition(badge=badge, module_ids=frozenset(modules[pk][0]), titles=modules[pk][1])
        for pk, badge in badges.items()
    }


def badges_to_earn(user, modules, statuses, awards, definitions, declared):
    """The active badges the agent has not earned yet, each with what is missing (`badges.what_is_missing`),
    computed from the progress already read (`statuses`: {module id: status}) and the cached badge
    definitions; `declared`: (declared uses, different fiches).

    Trainer badges are listed for people who may facilitate (or have facilitated): one query for the trainer
    counts when such a badge is still to earn, none otherwise."""
    earned = {a.badge_id for a in awards}
    candidates = [d for d in definitions.values() if d.badge.active and d.badge.pk not in earned]
    trainer = None
    if any(d.badge.is_trainer_badge for d in candidates):
        trainer = TrainerProgress.objects.filter(user=user).first()
        if trainer is None and not roles.can(user, "facilitate"):
            candidates = [d for d in candidates if not d.badge.is_trainer_badge]
    if not candidates:
        return []
    completed_ids = {module_id for module_id, status in statuses.items() if status == Progress.Status.COMPLETED}
    entry_ids = {m.pk for m in modules if m.is_entry_module}
    titles = {m.pk: m.title for m in modules}
    for definition in candidates:
        titles.update(definition.titles)
    result = []
    for definition in candidates:
        badge = definition.badge
        missing = badge_service.what_is_missing(
            badge, completed_ids, entry_ids, trainer, declared, titles, required=definition.module_ids
        )
        if missing:  # a rule that holds is awarded by the receivers; nothing to say here
            result.append(BadgeToEarn(badge=badge, missing=missing))
    return result


def _path_modules():
    """The live modules, the entry module first: the same for every agent, cached until a page changes."""
    modules = list(
        ModulePage.objects.live()
        .order_by("-is_entry_module", "path")
        .only("id", "title", "url_path", "path", "depth", "summary", "duration_minutes", "is_entry_module")
    )
    return _with_links(modules)


def _with_links(pages):
    """The pages, each with its URL as `href` (kept in the cache with them: no site lookup per request)."""
    for page in pages:
        page.href = page.get_url()
    return pages


def _related_pages(module_ids):
    """(fiches, videos) of these modules: the same for every agent with these modules, cached (core.fragments)."""
    fiches = list(
        FichePage.objects.live()
        .filter(related_module_id__in=module_ids)
        .select_related("related_module")
        .order_by("related_module_id", french_order("title"))[:RELATED_LIMIT]
    )
    return _with_links(fiches), _related_videos(module_ids)


def _related_videos(module_ids):
    return _with_links(
        list(
            VideoPage.objects.live()
            .filter(related_module_id__in=module_ids)
            .select_related("related_module")
            .order_by("related_module_id", french_order("title"))[:RELATED_LIMIT]
        )
    )


def _open_sessions(module, now):
    """The next sessions of `module` open for registration (`next_sessions_of`): the same for every agent,
    cached until a session, a registration or a page changes, or until the first of them starts or closes its
    registrations (then another may take its place)."""

    def build():
        sessions = session_services.next_sessions_of([module], limit=10, now=now)
        ends = [s.start for s in sessions] + [s.registration_deadline for s in sessions if s.registration_deadline]
        return fragments.Expiring(sessions, min(ends, default=None))

    return fragments.cached("open-sessions", (fragments.SESSIONS, fragments.PAGES), [module.pk], build)


def _next_open_session(module, now, after=None):
    """The next session of `module` open for registration, with places left, starting after `after`."""

    for session in _open_sessions(module, now):
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
                _url("training_sessions:detail", session.pk) or step.module.href,
            )
        return Action(
            _("No session of “%(module)s” has places left for now: see the module and its sessions.")
            % {"module": step.module.title},
            _("See the module"),
            step.module.href,
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
