"""Demo videos (small files shipped in videos/demo_assets/, with French captions) and testimonials (idempotent)."""

from pathlib import Path

from django.core.files import File
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtailmedia.models import get_media_model

from core.demo import deferred_indexing, publish_child, site_home
from core.models import Directorate
from parcours.models import ModulePage
from videos.models import TestimonialIndexPage, TestimonialPage, VideoIndexPage, VideoPage

ASSETS = Path(__file__).resolve().parent / "demo_assets"

VIDEOS = {
    "passinnov-en-bref": {
        "title": "Le PassInnov en bref",
        "summary": "Le parcours en quelques images : un module d'entrée obligatoire, puis des modules au choix.",
        "module": "intelligence-collective",
        "transcript": "<p>[Carton titre] PassInnov.</p>"
        "<p>Un parcours à la carte de découverte de l'innovation.</p>"
        "<p>On commence obligatoirement par l'intelligence collective.</p>"
        "<p>Ensuite, chacun choisit : design thinking, créativité, narration, facilitation graphique.</p>"
        "<p>Description visuelle : quatre cartons de texte blanc sur fond bleu, sans son.</p>",
    },
    "methode-6-3-5": {
        "title": "La méthode 6-3-5 en une minute",
        "summary": "Le principe de la méthode 6-3-5, pour produire beaucoup d'idées en donnant la parole à tous.",
        "module": "creativite",
        "transcript": "<p>[Carton titre] La méthode 6-3-5.</p>"
        "<p>Six personnes écrivent chacune trois idées en cinq minutes.</p>"
        "<p>Chacun passe sa feuille à son voisin, qui complète les idées reçues.</p>"
        "<p>Après six tours, le groupe dispose de 108 idées en une demi-heure.</p>"
        "<p>Description visuelle : quatre cartons de texte blanc sur fond bleu, sans son.</p>",
    },
}

# slug: (title, first name, role, directorate, quote, story, module, video slug)
TESTIMONIALS = {
    "emilie": (
        "Emilie : « J'ai osé animer mon premier atelier »",
        "Emilie",
        "chargée de mission",
        "SG",
        "Le module d'intelligence collective m'a donné des outils simples que j'ai utilisés dès la semaine "
        "suivante avec mon équipe.",
        "<p>Emilie a suivi l'une des premières sessions du PassInnov à Bercy. Elle y est venue par curiosité, "
        "sans projet particulier, et en est repartie avec une idée précise : remplacer la réunion mensuelle "
        "de son bureau, où deux personnes parlaient pendant une heure, par un atelier court.</p>"
        "<p>Elle a commencé par une météo d'inclusion et un brainstorming silencieux. « Des collègues qui ne "
        "prenaient jamais la parole ont proposé les meilleures idées. » Elle a depuis suivi les modules "
        "créativité et facilitation graphique, et co-anime désormais des sessions du parcours avec la "
        "Mission innovation.</p>",
        "intelligence-collective",
        "passinnov-en-bref",
    ),
    "karim": (
        "Karim : « Nos usagers ont redessiné notre formulaire »",
        "Karim",
        "inspecteur des finances publiques",
        "DGFiP",
        "Tester un prototype papier avec trois usagers nous a évité six mois de développement inutile.",
        "<p>Dans son centre des finances publiques, Karim devait simplifier un formulaire que les usagers "
        "remplissaient mal. Après le module sur les approches centrées utilisateurs, son équipe a mené cinq "
        "entretiens et dessiné une nouvelle version sur papier.</p>"
        "<p>Trois usagers l'ont testée à l'accueil : deux rubriques jugées indispensables ont disparu, une "
        "aide a été ajoutée. La nouvelle version a réduit de moitié les demandes de correction.</p>",
        "design-thinking",
        None,
    ),
    "sophie": (
        "Sophie : « Trois minutes pour convaincre mon comité »",
        "Sophie",
        "cheffe de projet numérique",
        "DGE",
        "J'ai appris à raconter mon projet à partir d'une situation vécue par un usager, et le comité a "
        "enfin compris ce que nous faisions.",
        "<p>Sophie présentait son projet avec une vingtaine de diapositives. Le module L'art de la narration "
        "l'a conduite à tout reprendre autour d'une histoire : celle d'une entreprise perdue entre trois "
        "guichets.</p><p>Son pitch de trois minutes a obtenu le financement de la phase suivante.</p>",
        "art-de-la-narration",
        None,
    ),
}


def get_or_create_file_object(model, title, path, **fields):
    obj = model.objects.filter(title=title).first()
    if obj is None:
        obj = model(title=title, **fields)
        with path.open("rb") as handle:
            obj.file.save(path.name, File(handle), save=False)
        obj.save()
    return obj


def _load():
    home = site_home()
    modules = {module.slug: module for module in ModulePage.objects.all()}
    video_index = publish_child(
        home,
        VideoIndexPage,
        "videos",
        title="Vidéos",
        intro="<p>De courtes vidéos sur le parcours et ses méthodes, toutes sous-titrées et transcrites.</p>",
        show_in_menus=True,
    )
    videos = {}
    for slug, data in VIDEOS.items():
        media = get_or_create_file_object(
            get_media_model(), data["title"], ASSETS / f"{slug}.webm", type="video", duration=12, width=640, height=360
        )
        poster = get_or_create_file_object(get_image_model(), f"Affiche – {data['title']}", ASSETS / f"{slug}.png")
        captions = get_or_create_file_object(
            get_document_model(), f"Sous-titres – {data['title']}", ASSETS / f"{slug}.vtt"
        )
        videos[slug] = publish_child(
            video_index,
            VideoPage,
            slug,
            title=data["title"],
            summary=data["summary"],
            video=media,
            poster=poster,
            captions=captions,
            transcript=data["transcript"],
            related_module=modules.get(data["module"]),
        )
    testimonial_index = publish_child(
        home,
        TestimonialIndexPage,
        "temoignages",
        title="Témoignages",
        intro="<p>Des agents racontent ce que le PassInnov a changé dans leur façon de travailler.</p>",
        show_in_menus=True,
    )
    directorates = {d.acronym: d for d in Directorate.objects.all()}
    for slug, (title, first_name, role, acronym, quote, story, module, video) in TESTIMONIALS.items():
        publish_child(
            testimonial_index,
            TestimonialPage,
            slug,
            title=title,
            first_name=first_name,
            job_title=role,
            directorate=directorates.get(acronym),
            quote=quote,
            story=story,
            related_module=modules.get(module),
            video_page=videos.get(video),
        )
    return video_index


def load(stdout=None):
    with deferred_indexing():
        return _load()
