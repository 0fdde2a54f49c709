"""The path and the five modules of the PassInnov catalogue (idempotent; texts written for this project)."""

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from core.demo import deferred_indexing, publish_child, site_home
from core.models import Theme
from parcours.models import ModuleDocument, ModulePage, ParcoursPage

PATH_INTRO = (
    "<p>Le PassInnov se suit à la carte. Le module <b>Intelligence collective</b> est le point d'entrée unique "
    "et obligatoire : une fois suivi, vous choisissez librement les autres modules, dans l'ordre qui vous "
    "convient. Chaque module dure 1\u00a0h\u00a030, en petit groupe, et se répète plusieurs fois dans l'année à Bercy et "
    "dans les sites en région.</p>"
)


def steps(*items):
    return (
        "steps",
        {
            "steps": [
                {"title": title, "duration_minutes": minutes, "description": f"<p>{text}</p>"}
                for title, minutes, text in items
            ]
        },
    )


# slug -> fields; the first one is the entry module.
MODULES = {
    "intelligence-collective": {
        "title": "Intelligence collective",
        "theme": "intelligence-collective",
        "is_entry_module": True,
        "summary": "Le module d'entrée du parcours : comprendre pourquoi un groupe bien animé produit mieux "
        "qu'une addition d'experts, et pratiquer les premiers outils de co-construction.",
        "objectives": "<ul><li>Distinguer travail collectif et intelligence collective.</li>"
        "<li>Installer un cadre de confiance : règles du jeu, rôles, temps.</li>"
        "<li>Faire produire un groupe avec deux outils simples : le brainstorming cadré et le vote par "
        "gommettes.</li><li>Savoir quand une démarche collaborative vaut la peine, et quand elle ne la vaut "
        "pas.</li></ul>",
        "programme": [
            (
                "paragraph",
                "<p>Un temps court d'apports, un temps long de pratique : vous repartez avec des "
                "outils utilisables dès le lendemain.</p>",
            ),
            steps(
                ("Inclusion", 10, "Chacun se présente par un objet qu'il a sur lui et ce qu'il attend de la séance."),
                ("Apports", 20, "Les conditions de l'intelligence collective : diversité, cadre, facilitation."),
                (
                    "Mise en pratique",
                    45,
                    "En sous-groupes, un défi réel apporté par un participant : divergence, regroupement, vote.",
                ),
                ("Retour d'expérience", 10, "Ce qui a aidé le groupe, ce qui l'a freiné."),
                ("Clôture", 5, "Un mot pour repartir ; présentation des autres modules du parcours."),
            ),
        ],
        "run_sheet": "Déroulé détaillé du module Intelligence collective",
    },
    "design-thinking": {
        "title": "Approches centrées utilisateurs (design thinking)",
        "theme": "design-thinking",
        "summary": "Partir des besoins réels des usagers, internes ou externes, avant de chercher des "
        "solutions : observer, reformuler le problème, prototyper vite, tester.",
        "objectives": "<ul><li>Décrire les cinq temps du design thinking.</li>"
        "<li>Construire un persona et une carte d'empathie à partir de faits observés.</li>"
        "<li>Reformuler un problème en question « Comment pourrions-nous… ? ».</li>"
        "<li>Tester une idée avec un prototype papier en moins de 20 minutes.</li></ul>",
        "programme": [
            steps(
                ("Inclusion", 5, "Le pire service public que vous ayez vécu, en une phrase."),
                ("Apports", 15, "Empathie, définition, idéation, prototype, test : ce qui change pour un agent."),
                ("Persona et carte d'empathie", 30, "À partir de verbatims d'usagers fournis."),
                ("Prototype et test", 35, "Un prototype papier testé par un autre sous-groupe."),
                ("Clôture", 5, "Ce que je teste dans mon service d'ici un mois."),
            ),
        ],
    },
    "creativite": {
        "title": "Créativité",
        "theme": "creativite",
        "summary": "Produire beaucoup d'idées, puis des idées différentes, et apprendre à les trier sans "
        "tuer les plus audacieuses.",
        "objectives": "<ul><li>Séparer le temps de la divergence et celui de la convergence.</li>"
        "<li>Pratiquer la méthode 6-3-5 et le crazy 8.</li>"
        "<li>Trier des idées avec une matrice impact / effort.</li></ul>",
        "programme": [
            steps(
                ("Échauffement", 10, "Trente usages inattendus d'un trombone, en trois minutes."),
                ("Apports", 15, "Les freins à la créativité en administration, et comment les lever."),
                ("Divergence", 35, "Méthode 6-3-5 puis crazy 8 sur un défi du groupe."),
                ("Convergence", 25, "Regroupement, vote, matrice impact / effort."),
                ("Clôture", 5, "L'idée que je garde."),
            ),
        ],
    },
    "art-de-la-narration": {
        "title": "L'art de la narration",
        "theme": "narration",
        "summary": "Raconter un projet plutôt que l'exposer : structurer une histoire, trouver le bon "
        "personnage, et convaincre en trois minutes.",
        "objectives": "<ul><li>Connaître la structure d'un récit : situation, obstacle, transformation.</li>"
        "<li>Construire un pitch de trois minutes sur son propre projet.</li>"
        "<li>Donner et recevoir un retour utile sur une prise de parole.</li></ul>",
        "programme": [
            steps(
                ("Inclusion", 10, "Raconter en une minute une réussite professionnelle."),
                ("Apports", 15, "Pourquoi une histoire se retient mieux qu'une liste de chiffres."),
                ("Storyboard", 25, "Six cases pour raconter son projet."),
                ("Pitch", 35, "Répétition en trinôme, retours, deuxième version."),
                ("Clôture", 5, "Ce que je raconterai autrement la semaine prochaine."),
            ),
        ],
    },
    "facilitation-graphique": {
        "title": "Facilitation graphique",
        "theme": "facilitation-graphique",
        "summary": "Penser et partager avec des images simples : pictogrammes, cadres, flèches et "
        "personnages pour rendre une réunion plus claire et plus mémorable.",
        "objectives": "<ul><li>Dessiner un vocabulaire de base de vingt pictogrammes.</li>"
        "<li>Structurer un tableau blanc pendant une réunion.</li>"
        "<li>Restituer une séance de travail en une page visuelle.</li></ul>",
        "programme": [
            steps(
                ("Inclusion", 5, "Se dessiner en trois traits."),
                ("Apports", 15, "Pourquoi dessiner aide à penser ; on n'a pas besoin de savoir dessiner."),
                ("Vocabulaire visuel", 30, "Personnages, contenants, connecteurs, pictogrammes du quotidien."),
                ("Restitution visuelle", 35, "Chaque binôme restitue une courte intervention en une page."),
                ("Clôture", 5, "Galerie des productions."),
            ),
        ],
        "format": ModulePage.Format.BOTH,
    },
}


def run_sheet_document(title):
    Document = get_document_model()
    document = Document.objects.filter(title=title).first()
    if document is None:
        text = (
            f"{title}\n\nModule de 1\u00a0h\u00a030, 8 à 16 participants, deux animateurs.\n\n"
            "Matériel : post-it de deux couleurs, feutres, gommettes, un mur ou un tableau blanc, minuteur.\n\n"
            "0:00 Inclusion – 0:10 Apports – 0:30 Mise en pratique – 1:15 Retour d'expérience – 1:25 Clôture.\n"
        )
        document = Document(title=title)
        document.file.save("deroule-intelligence-collective.txt", ContentFile(text.encode("utf-8")), save=False)
        document.save()
    return document


def _load():
    home = site_home()
    path = publish_child(home, ParcoursPage, "parcours", title="Le parcours", intro=PATH_INTRO, show_in_menus=True)
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    entry = None
    for slug, data in MODULES.items():
        data = dict(data)
        run_sheet = data.pop("run_sheet", None)
        data["theme"] = themes.get(data["theme"])
        if entry is not None:
            data["prerequisites"] = [entry]
        if run_sheet:
            data["documents"] = [ModuleDocument(document=run_sheet_document(run_sheet), label=run_sheet)]
        module = publish_child(path, ModulePage, slug, **data)
        if module.is_entry_module:
            entry = module
    return path


def load(stdout=None):
    with deferred_indexing():
        return _load()
