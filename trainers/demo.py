"""Demo content of the internal-trainer path (idempotent): the entry module's facilitation kit, and one trainee
at each step of the path (pilotage's demo nominates them):

- observe: demo.agent01, with a pending request to observe the next entry-module session;
- co-facilitate: mi.julie (she co-facilitated enough sessions: the queue proposes her next step);
- lead under supervision: demo.agent02, who observed a session, co-facilitated two with feedback from their
  lead, and whose two steps the training department confirmed (the demo gives this trainee the facilitator
  role, as an administrator would);
- lead: animateur.

The kit follows the entry module's 1 h 30 (the seed's principle: a short time of input, a longer time of
practice with tools the participants reuse on their own) and its public outline (inclusion 10 min, input
20 min, practice 45 min, feedback 10 min, closing 5 min), written here for the facilitator.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction

from accounts.roles import CAPABILITIES, ROLES, group_for
from core.demo import publish_child
from core.models import Organisation
from fiches.models import FichePage
from parcours.models import ModulePage
from pilotage.models import TrainerProfile
from trainers import services
from trainers.models import (
    KIT_COLLECTION_NAME,
    FacilitationKitPage,
    FacilitationRequest,
    KitMaterial,
    Promotion,
    SessionObservation,
)
from training_sessions.models import Facilitation, Session
from training_sessions.services import record_hosting

KIT_COLLECTION = KIT_COLLECTION_NAME
KIT_SLUG = "kit-d-animation"

INTRODUCTION = (
    "<p>8 à 16 participants venus de directions différentes, deux animateurs (pendant la transition, un binôme "
    "ImFusio / Mission innovation). Salle en îlots de 4 à 5 personnes, un mur ou un tableau blanc libre par "
    "îlot.</p><ul><li>La veille : imprimer les consignes des ateliers (une par table) et les cartes météo ; "
    "vérifier le matériel avec la check-list.</li><li>Le jour même : arriver 30 minutes avant, afficher les "
    "règles du jeu, mélanger les directions en plaçant les chevalets nominatifs.</li></ul>"
)

# title, minutes, objective, instructions, material, fiche slug, pitfalls (90 minutes in all)
SEQUENCES = [
    (
        "Accueil et météo d'inclusion",
        10,
        "Chacun a pris la parole une fois et dit ce qu'il attend de la séance.",
        "Accueillez chaque participant à la porte et placez-le à une table où il ne connaît personne. Lancez la "
        "météo d'inclusion : chacun choisit une carte et dit en une phrase comment il arrive et ce qu'il attend.",
        "Cartes météo, chevalets nominatifs, minuteur",
        "meteo-d-inclusion",
        "Le tour de table qui devient une présentation de parcours professionnels : 30 secondes par personne, "
        "montrez le minuteur.",
    ),
    (
        "Cadre et objectifs",
        5,
        "Le groupe connaît les règles du jeu, les rôles et l'horaire de fin.",
        "Présentez l'affiche des règles du jeu (bienveillance, une conversation à la fois, téléphones rangés) et "
        "désignez un gardien du temps par table. Annoncez les trois objectifs de la séance.",
        "Affiche des règles du jeu",
        "",
        "Sauter le cadre pour gagner du temps : c'est lui qui permet d'aller vite ensuite.",
    ),
    (
        "Apports : les conditions de l'intelligence collective",
        15,
        "Les participants savent nommer trois conditions : diversité du groupe, cadre clair, facilitation.",
        "Faites estimer individuellement puis par table une grandeur (le nombre de post-it dans un bocal) : la "
        "moyenne du groupe bat la plupart des individus. Reliez l'expérience aux trois conditions, avec un "
        "exemple tiré d'un service du ministère.",
        "Bocal de post-it, support des apports (6 diapositives)",
        "",
        "Déborder sur le temps de pratique : les apports restent courts, la valeur du module est dans la pratique.",
    ),
    (
        "Choix du défi",
        5,
        "Chaque table travaille sur un défi réel, formulé en « Comment pourrions-nous… ? ».",
        "Demandez à un volontaire par table d'apporter un défi de son service. Aidez à le reformuler en une "
        "question ouverte « Comment pourrions-nous… ? ».",
        "Consignes des ateliers (une par table)",
        "",
        "Un défi trop large (« moderniser l'administration ») : faites-le réduire à un service et à un public.",
    ),
    (
        "Divergence : brainstorming cadré",
        20,
        "Au moins trente idées par table, sans jugement.",
        "Cinq minutes en silence, chacun écrit ses idées (une par post-it), puis chacun lit les siennes et les "
        "colle au mur. Relancez avec une contrainte quand le flux ralentit (« et sans budget ? »).",
        "Post-it de deux couleurs, feutres, minuteur",
        "brainstorming",
        "Commenter ou critiquer les idées pendant la divergence : rappelez la règle et reportez les débats.",
    ),
    (
        "Regroupement sur le mur d'idées",
        10,
        "Les idées sont regroupées en familles nommées.",
        "Faites regrouper les post-it en silence, puis nommer chaque famille par une phrase avec un verbe.",
        "Mur ou tableau blanc, feutres épais",
        "mur-d-idees",
        "Une famille « divers » qui grossit : demandez de la scinder.",
    ),
    (
        "Vote par gommettes et premier pas",
        10,
        "Le porteur du défi repart avec une idée choisie et un premier pas daté.",
        "Trois gommettes par personne, vote simultané. Le porteur du défi choisit parmi les idées les plus "
        "votées et annonce un premier pas réalisable dans la semaine.",
        "Gommettes (3 par participant)",
        "vote-par-gommettes",
        "Voter l'un après l'autre : les premiers influencent les suivants. Tout le monde vote en même temps.",
    ),
    (
        "Retour d'expérience",
        10,
        "Les participants relient ce qu'ils ont vécu aux conditions vues dans les apports.",
        "Deux questions en grand groupe : qu'est-ce qui a aidé votre table ? Qu'est-ce qui l'a freinée ? Notez "
        "les réponses au tableau en face des trois conditions.",
        "Tableau",
        "retrospective",
        "Laisser le co-animateur sans rôle : il tient le tableau pendant que l'animateur principal questionne.",
    ),
    (
        "Clôture",
        5,
        "Chacun repart avec un outil à réutiliser et sait quel module suivre ensuite.",
        "Un mot par personne pour repartir. Présentez les autres modules du parcours et rappelez l'évaluation "
        "envoyée après la séance.",
        "",
        "",
        "Finir en retard : le gardien du temps prévient à 1 h 20.",
    ),
]

MATERIALS = [
    (
        "Consignes des ateliers – Intelligence collective",
        "consignes-ateliers-intelligence-collective.txt",
        "Consignes des ateliers (une par table)\n\n"
        "1. Choix du défi (5 min) : « Comment pourrions-nous… ? »\n"
        "2. Brainstorming (20 min) : 5 min en silence, une idée par post-it, puis partage sans jugement.\n"
        "3. Mur d'idées (10 min) : regrouper en silence, nommer chaque famille avec un verbe.\n"
        "4. Vote (10 min) : 3 gommettes par personne, tous en même temps ; le porteur choisit un premier pas.\n",
    ),
    (
        "Check-list du matériel – Intelligence collective",
        "check-list-materiel-intelligence-collective.txt",
        "Check-list du matériel (pour 16 participants)\n\n"
        "- post-it de deux couleurs (4 blocs par table)\n- feutres noirs et feutres épais\n"
        "- gommettes (3 par participant)\n- cartes météo d'inclusion\n- chevalets nominatifs\n"
        "- affiche des règles du jeu\n- minuteur\n- bocal de post-it (expérience des apports)\n",
    ),
]


def kit_collection():
    """The private collection of the kits' documents: Wagtail's document URL serves them to the people who
    may facilitate only; trainees download them through the kit page."""
    root = Collection.get_first_root_node()
    collection = root.get_children().filter(name=KIT_COLLECTION).first()
    if collection is None:
        collection = root.add_child(name=KIT_COLLECTION)
    restriction = CollectionViewRestriction.objects.filter(collection=collection).first()
    if restriction is None:
        restriction = CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=CollectionViewRestriction.GROUPS
        )
        restriction.groups.set(Group.objects.filter(name__in=[ROLES[r] for r in CAPABILITIES["facilitate"]]))
    return collection


def material_document(title, filename, text, collection):
    Document = get_document_model()
    document = Document.objects.filter(title=title).first()
    if document is None:
        document = Document(title=title, collection=collection)
        document.file.save(filename, ContentFile(text.encode("utf-8")), save=False)
        document.save()
    return document


def sequences(fiches):
    return [
        (
            "sequence",
            {
                "title": title,
                "duration_minutes": minutes,
                "objective": objective,
                "instructions": f"<p>{instructions}</p>",
                "material": material,
                "fiche": fiches.get(fiche),
                "pitfalls": pitfalls,
            },
        )
        for title, minutes, objective, instructions, material, fiche, pitfalls in SEQUENCES
    ]


def load(stdout=None):
    kit = load_kit(stdout)
    load_path(stdout)
    return kit


def load_kit(stdout=None):
    entry = ModulePage.objects.filter(is_entry_module=True).first()
    if entry is None:
        return None
    collection = kit_collection()
    fiches = {page.slug: page for page in FichePage.objects.live()}
    documents = [material_document(title, name, text, collection) for title, name, text in MATERIALS]
    kit = publish_child(
        entry,
        FacilitationKitPage,
        KIT_SLUG,
        title=f"Kit d'animation – {entry.title}",
        introduction=INTRODUCTION,
        sequences=sequences(fiches),
        materials=[KitMaterial(document=document) for document in documents],
    )
    if stdout is not None:
        stdout.write(f"trainers: facilitation kit « {kit.title} »")
    return kit


OBSERVE_MESSAGE = (
    "J'ai suivi le module d'entrée en début d'année et je voudrais voir comment les animateurs tiennent le "
    "temps de pratique."
)
FEEDBACK = [
    (
        "Consignes claires et bien minutées ; tu as su relancer le brainstorming quand le groupe a calé.",
        "Laisser plus de silence après une question avant de reformuler ; tenir le tableau pendant le retour "
        "d'expérience.",
    ),
    (
        "Très bon cadre posé en début de séance, les règles du jeu ont été respectées jusqu'au bout.",
        "Garder les apports à 15 minutes : tu as débordé de 5 minutes sur le temps de pratique.",
    ),
]


def load_path(stdout=None):
    User = get_user_model()
    users = User.objects.in_bulk(["demo.agent01", "demo.agent02", "formation"], field_name="username")
    formation = users.get("formation")
    observer, trainee = users.get("demo.agent01"), users.get("demo.agent02")
    if observer is not None and not FacilitationRequest.objects.filter(trainee=observer).exists():
        session = services.requestable_sessions(observer).filter(module__is_entry_module=True).first()
        session = session or services.requestable_sessions(observer).first()
        if session is not None:
            services.ask(observer, session, OBSERVE_MESSAGE)
    profile = TrainerProfile.objects.filter(user=trainee).first() if trainee is not None else None
    if profile is None or Promotion.objects.filter(profile=profile).exists():
        return
    trainee.groups.add(group_for("facilitators"))
    organisation = Organisation.objects.filter(kind=Organisation.Kind.INTERNAL).order_by("pk").first()
    past = list(
        Session.objects.filter(status=Session.Status.SCHEDULED, end__lt=timezone.now(), facilitations__role="lead")
        .exclude(registrations__user=trainee)
        .distinct()
        .order_by("start")[:3]
    )
    if len(past) < 3 or organisation is None:
        return
    observed, *co_facilitated = past
    SessionObservation.objects.get_or_create(session=observed, user=trainee)
    services.record_observers(observed, timestamp=observed.end)
    _promote(profile, TrainerProfile.Status.CO_FACILITATOR, formation, observed.end)
    for index, session in enumerate(co_facilitated):
        Facilitation.objects.get_or_create(
            session=session,
            user=trainee,
            defaults={"role": Facilitation.Role.CO_FACILITATOR, "organisation": organisation, "sort_order": 100},
        )
        record_hosting(session, timestamp=session.end)
        lead = session.facilitations.get(role="lead").user
        went_well, to_work_on = FEEDBACK[index % len(FEEDBACK)]
        if services.is_lead_of(lead, session):
            services.give_feedback(lead, session, trainee, went_well=went_well, to_work_on=to_work_on)
    _promote(profile, TrainerProfile.Status.SUPERVISED_LEAD, formation, co_facilitated[-1].end)
    if stdout is not None:
        stdout.write("trainers: one trainee at each step of the internal-trainer path")


def _promote(profile, status, by, when):
    Promotion.objects.create(
        profile=profile, from_status=profile.status, to_status=status, confirmed_by=by, confirmed_at=when
    )
    profile.status = status
    profile.save(update_fields=["status", "updated_at"])
