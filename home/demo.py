"""Demo pages of the site skeleton: the home page as the site root and the mandatory footer pages."""

from django.conf import settings
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page, Site

from core.models import SiteSettings
from home.editorial import ensure_editorial_workflow
from home.models import HomePage, StandardPage
from home.sites import sync_default_site

HOME_INTRO = (
    "<p>Le PassInnov est un parcours à la carte de découverte de l'innovation, fait de modules courts "
    "(1\u00a0h\u00a030) et pratiques. Le premier module, consacré à l'intelligence collective, est le point d'entrée "
    "unique et obligatoire ; vous choisissez ensuite librement les suivants.</p>"
)

HOME_BODY = [
    ("heading", "Apprendre à travailler autrement"),
    (
        "paragraph",
        "<p>Chaque module mêle un temps court d'apports et un temps long de mise en pratique : vous repartez "
        "avec des outils que vous pouvez utiliser seul, dès le lendemain, avec votre équipe. Les participants "
        "viennent de toutes les directions des ministères économiques et financiers, ce qui facilite le "
        "partage d'expériences.</p>",
    ),
    (
        "highlight",
        {
            "text": "<p>Les modules sont animés par la Mission innovation avec ImFusio, puis de plus en plus par "
            "des formateurs internes : vous pourrez, vous aussi, devenir co-animateur.</p>"
        },
    ),
]

STANDARD_PAGES = {
    "accessibilite": (
        "Déclaration d'accessibilité",
        "Le ministère de l'Économie et des Finances s'engage à rendre PassInnov accessible conformément à "
        "l'article 47 de la loi n° 2005-102 du 11 février 2005.",
        [
            ("heading", "État de conformité"),
            (
                "paragraph",
                "<p>PassInnov est <b>partiellement conforme</b> avec le référentiel général "
                "d'amélioration de l'accessibilité (RGAA), version 4.1, en raison des non-conformités "
                "énumérées ci-dessous. Un audit complet est prévu.</p>",
            ),
            ("heading", "Contenus non accessibles"),
            (
                "paragraph",
                "<p>Certains documents joints aux modules (supports PDF) ne sont pas encore "
                "balisés. Une version accessible peut être demandée à la Mission innovation.</p>",
            ),
            ("heading", "Retour d'information et contact"),
            (
                "paragraph",
                "<p>Si vous n'arrivez pas à accéder à un contenu ou à un service, écrivez à "
                "la Mission innovation (passinnov@finances.gouv.fr) pour être orienté vers une alternative "
                "accessible ou obtenir le contenu sous une autre forme.</p>",
            ),
            ("heading", "Voies de recours"),
            (
                "paragraph",
                "<p>Si vous constatez un défaut d'accessibilité qui vous empêche d'accéder à un "
                "contenu ou à une fonctionnalité, que vous nous le signalez et que vous ne parvenez pas à "
                "obtenir une réponse, vous pouvez saisir le Défenseur des droits.</p>",
            ),
        ],
    ),
    "mentions-legales": (
        "Mentions légales",
        "PassInnov est l'intranet du parcours de formation à l'innovation des ministères économiques et financiers.",
        [
            ("heading", "Éditeur"),
            (
                "paragraph",
                "<p>Ministère de l'Économie et des Finances, Secrétariat général, Mission "
                "innovation, 139 rue de Bercy, 75012 Paris.</p>",
            ),
            ("heading", "Directeur de la publication"),
            ("paragraph", "<p>Le secrétaire général des ministères économiques et financiers.</p>"),
            ("heading", "Hébergement"),
            (
                "paragraph",
                "<p>Service hébergé sur l'infrastructure interne des ministères économiques et financiers.</p>",
            ),
        ],
    ),
    "donnees-personnelles": (
        "Données personnelles",
        "Ce qui est conservé sur vous dans PassInnov, pourquoi, combien de temps, et comment exercer vos droits.",
        [
            ("heading", "Données traitées"),
            (
                "paragraph",
                "<p>Vos nom, prénom, adresse électronique professionnelle, direction et site de "
                "travail ; vos inscriptions, présences, évaluations de sessions et badges ; les traces "
                "d'apprentissage (déclarations xAPI) de votre parcours. Dans ces traces, vous n'êtes "
                "désigné que par un identifiant aléatoire, jamais par votre adresse électronique.</p>",
            ),
            ("heading", "Finalité et base légale"),
            (
                "paragraph",
                "<p>L'organisation du parcours de formation PassInnov et son évaluation "
                "(mission d'intérêt public, article 6.1.e du RGPD).</p>",
            ),
            ("heading", "Vos droits"),
            (
                "paragraph",
                "<p>Depuis « Mon parcours », vous pouvez télécharger toutes les données qui vous "
                "concernent et demander leur effacement. Vous pouvez aussi écrire au délégué à la protection "
                "des données des ministères économiques et financiers.</p>",
            ),
        ],
    ),
}


def ensure_root():
    """Wagtail's migrations create the locale, root collection and root page; a flushed test database has none."""
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(title="Root", slug="root")
    return root


def get_or_create_home():
    root = ensure_root()
    home = HomePage.objects.first()
    if home is None:
        home = HomePage(title="PassInnov", slug="accueil", intro=HOME_INTRO, body=HOME_BODY, seo_title="Accueil")
        root.add_child(instance=home)
        home.save_revision().publish()
    # The default Wagtail welcome page, if any, is not ours.
    for page in root.get_children().exclude(id=home.id).not_type(HomePage):
        if page.specific_class is Page:
            page.delete()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="PassInnov"
        )
    elif site.root_page_id != home.id:
        site.root_page = home
        site.site_name = "PassInnov"
        site.save()
    sync_default_site()
    return home


def get_or_create_standard_page(parent, slug, title, intro, body):
    page = StandardPage.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = StandardPage(title=title, slug=slug, intro=intro, body=body)
        parent.add_child(instance=page)
        page.save_revision().publish()
    return page


def load(stdout=None):
    home = get_or_create_home()
    pages = {
        slug: get_or_create_standard_page(home, slug, title, intro, body)
        for slug, (title, intro, body) in STANDARD_PAGES.items()
    }
    site = Site.objects.get(root_page=home)
    site_settings = SiteSettings.for_site(site)
    site_settings.accessibility_page = pages["accessibilite"]
    site_settings.legal_notice_page = pages["mentions-legales"]
    site_settings.personal_data_page = pages["donnees-personnelles"]
    site_settings.save()
    ensure_editorial_workflow()
    return home
