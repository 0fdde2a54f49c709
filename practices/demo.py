"""Demo practices (idempotent): a few dozen declared uses of the fiches across the directorates, shared
accounts (published, one awaiting moderation, one not published), and follow-up answers.

Everything goes through `practices.services`, so each declaration and answer has its `used` / `answered`
statement, and shared accounts are published or refused by the demo moderator. Dates are relative to the day
the demo is loaded. A declaration is looked up by (agent, fiche, day of use) and a follow-up by (agent,
module): loading twice changes nothing.

The demo account "agent2" declared four uses of two fiches: one more use of a third fiche earns the
self-declared badge « Praticien·ne » (progress.demo).
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from fiches.models import FichePage
from parcours.models import ModulePage
from practices import services
from practices.models import Declaration, FollowUp, Frequency, Moderation, Sharing

TRAINED = [f"demo.agent{n:02d}" for n in range(1, 25)]
FICHES = [
    "meteo-d-inclusion",
    "brainstorming",
    "retrospective",
    "vote-par-gommettes",
    "persona",
    "world-cafe",
    "matrice-impact-effort",
    "carte-d-empathie",
    "pitch",
    "six-chapeaux",
    "prototype-papier",
    "mur-d-idees",
]
TEAM_SIZES = ["6-12", "2-5", "6-12", "13-30", "2-5", "31+"]
SETTINGS = ["meeting", "workshop", "project", "meeting", "user_research", "seminar", "workshop"]
RATINGS = [5, 4, 4, 5, 3, 4, 5]

# (username, fiche, days ago, sharing, account, outcome): the accounts colleagues can read.
ACCOUNTS = [
    (
        "demo.agent03",
        "persona",
        75,
        Sharing.NAMED,
        "Nous avons construit trois personas à partir des appels reçus par notre plateforme. L’équipe a enfin "
        "arrêté de parler « des usagers » en général : chaque décision est désormais confrontée à Martine, Karim "
        "et Sophie.",
        Moderation.PUBLISHED,
    ),
    (
        "demo.agent08",
        "brainstorming",
        40,
        Sharing.ANONYMOUS,
        "Utilisé pour préparer notre plan d’action annuel. La règle « pas de jugement pendant quinze minutes » a "
        "libéré la parole des plus jeunes : soixante idées en une demi-heure.",
        Moderation.PUBLISHED,
    ),
    (
        "demo.agent01",
        "meteo-d-inclusion",
        12,
        Sharing.NAMED,
        "Je l’utilise en ouverture de chaque réunion de service du lundi. Deux minutes suffisent, et l’on "
        "repère tout de suite quand quelqu’un ne va pas bien.",
        Moderation.PUBLISHED,
    ),
    (
        "demo.agent12",
        "retrospective",
        95,
        Sharing.ANONYMOUS,
        "Après la mise en ligne de notre téléservice, la rétrospective a permis de dire ce qui n’allait pas sans "
        "chercher de coupable. Trois actions concrètes en sont sorties.",
        Moderation.PUBLISHED,
    ),
    (
        "demo.agent05",
        "world-cafe",
        130,
        Sharing.NAMED,
        "Séminaire de direction à quarante personnes : quatre tables, trois tours. Prévoyez un hôte par table "
        "bien préparé, sinon les échanges partent dans tous les sens.",
        Moderation.PUBLISHED,
    ),
    (
        "demo.agent09",
        "vote-par-gommettes",
        22,
        Sharing.ANONYMOUS,
        "Pratique pour trancher entre les douze pistes issues d’un atelier. Faites voter tout le monde en même "
        "temps : sinon, les derniers suivent les premiers.",
        Moderation.PUBLISHED,
    ),
    (
        "demo.agent15",
        "prototype-papier",
        6,
        Sharing.NAMED,
        "Nous avons testé un nouveau formulaire de demande avec cinq usagers à l’accueil du centre des finances "
        "publiques : en une matinée, nous avons supprimé quatre champs inutiles.",
        Moderation.PENDING,
    ),
    ("demo.agent20", "mur-d-idees", 18, Sharing.ANONYMOUS, "Super !", Moderation.REJECTED),
    (
        "demo.agent02",
        "six-chapeaux",
        50,
        Sharing.PRIVATE,
        "Pour moi : prévoir des chapeaux en papier, l’équipe a mieux joué le jeu avec un support visible.",
        Moderation.NOT_SHARED,
    ),
]
REJECTION = (
    "Merci ! Pour être utile aux collègues, racontez en quelques lignes comment vous l’avez utilisée : avec qui, "
    "dans quel cadre, ce qui a marché."
)

# "agent2" (Léa Fournier, DGE): four uses of two fiches of the entry module, one fiche short of the
# self-declared badge; "demo.agent07" holds it (five uses of three fiches).
REGULARS = [
    ("agent2", "meteo-d-inclusion", 45),
    ("agent2", "meteo-d-inclusion", 31),
    ("agent2", "brainstorming", 24),
    ("agent2", "meteo-d-inclusion", 10),
    ("demo.agent07", "meteo-d-inclusion", 150),
    ("demo.agent07", "retrospective", 120),
    ("demo.agent07", "meteo-d-inclusion", 90),
    ("demo.agent07", "world-cafe", 70),
    ("demo.agent07", "retrospective", 35),
]

# Follow-up answers: (username, frequency, fiches used among the module's, obstacles, other obstacle).
FOLLOW_UPS = [
    ("demo.agent07", Frequency.REGULARLY, ["meteo-d-inclusion", "retrospective"], [], ""),
    ("demo.agent08", Frequency.SOMETIMES, ["brainstorming"], ["time"], ""),
    ("demo.agent09", Frequency.ONCE, ["vote-par-gommettes"], ["confidence", "time"], ""),
    ("demo.agent10", Frequency.NEVER, [], ["no_opportunity", "management"], ""),
    ("demo.agent11", Frequency.SOMETIMES, ["meteo-d-inclusion"], ["team"], ""),
    ("demo.agent13", Frequency.NEVER, [], ["time", "other"], "Réorganisation du service en cours."),
    ("demo.agent14", Frequency.REGULARLY, ["retrospective", "brainstorming", "world-cafe"], [], ""),
    ("demo.agent15", Frequency.ONCE, [], ["not_suited"], ""),
    ("demo.agent16", Frequency.SOMETIMES, ["world-cafe"], ["confidence"], ""),
]


def _day(days_ago):
    return timezone.localdate() - timedelta(days=days_ago)


def _declare(user, fiche, days_ago, index, *, sharing=Sharing.PRIVATE, account=""):
    used_on = _day(days_ago)
    existing = Declaration.objects.filter(user=user, fiche=fiche, used_on=used_on).first()
    if existing is not None:
        return existing, False
    declaration = services.declare(
        user,
        fiche,
        used_on=used_on,
        team_size=TEAM_SIZES[index % len(TEAM_SIZES)],
        audience="own_team" if index % 3 else "other_team",
        setting=SETTINGS[index % len(SETTINGS)],
        rating=RATINGS[index % len(RATINGS)],
        account=account,
        sharing=sharing,
        now=timezone.now() - timedelta(days=max(days_ago - 1, 0)),
    )
    return declaration, True


def load(stdout=None):
    User = get_user_model()
    users = User.objects.in_bulk([*TRAINED, "agent2", "moderateur"], field_name="username")
    fiches = {fiche.slug: fiche for fiche in FichePage.objects.live().select_related("related_module")}
    moderator = users.get("moderateur")
    if not fiches or moderator is None:
        return
    created = 0
    # Uses without an account, spread over the agents (so over the directorates), the fiches and ten months.
    trained = [users[name] for name in TRAINED if name in users]
    for index in range(30):
        user = trained[(index * 5) % len(trained)]
        fiche = fiches.get(FICHES[(index * 7) % len(FICHES)])
        if fiche is not None:
            created += _declare(user, fiche, 3 + (index * 37) % 290, index)[1]
    for index, (username, slug, days_ago, sharing, account, outcome) in enumerate(ACCOUNTS):
        user, fiche = users.get(username), fiches.get(slug)
        if user is None or fiche is None:
            continue
        declaration, was_created = _declare(user, fiche, days_ago, index, sharing=sharing, account=account)
        created += was_created
        if was_created and outcome == Moderation.PUBLISHED:
            services.publish(declaration, moderator, now=timezone.now() - timedelta(days=max(days_ago - 2, 0)))
        elif was_created and outcome == Moderation.REJECTED:
            services.reject(declaration, moderator, REJECTION, notify=False)  # the demo sends no mail
    for index, (username, slug, days_ago) in enumerate(REGULARS):
        if username in users and slug in fiches:
            created += _declare(users[username], fiches[slug], days_ago, index + 2)[1]
    answered = _follow_ups(users, fiches)
    if stdout is not None and (created or answered):
        stdout.write(f"practices: {created} declaration(s), {answered} follow-up answer(s)")


def _follow_ups(users, fiches):
    """Answers about the entry module (every trained agent attended it), where the question is open."""
    module = ModulePage.objects.filter(is_entry_module=True).first()
    if module is None:
        return 0
    answered = 0
    now = timezone.now()
    for index, (username, frequency, slugs, obstacles, other) in enumerate(FOLLOW_UPS):
        user = users.get(username)
        if user is None or FollowUp.objects.filter(user=user, module=module, answered_at__isnull=False).exists():
            continue
        state, _follow_up, attended_at = services.follow_up_state(user, module, now)
        if state != "open":
            continue
        # Answered a few days after the question was asked (never later than now).
        answered_at = min(now, attended_at + timedelta(days=services.follow_up_days() + 2 + index))
        chosen = [fiches[slug].pk for slug in slugs if slug in fiches and fiches[slug].related_module_id == module.pk]
        services.answer_follow_up(
            user,
            module,
            frequency=frequency,
            fiche_ids=chosen,
            obstacles=obstacles,
            other_obstacle=other,
            now=answered_at,
        )
        answered += 1
    return answered
