"""Demo reference data (idempotent): sites, themes and organisations of the programme; and the helpers every
app's demo content uses to add its pages (`publish_child`, `deferred_indexing`, `site_home`)."""

from contextlib import contextmanager

from wagtail.models import Page, Site

from core.models import Location, Organisation, Theme

LOCATIONS = [
    {"name": "Paris – Bercy", "city": "Paris", "region": "Île-de-France", "address": "139 rue de Bercy, 75012 Paris"},
    {
        "name": "Lyon – Cité administrative",
        "city": "Lyon",
        "region": "Auvergne-Rhône-Alpes",
        "address": "165 rue Garibaldi, 69003 Lyon",
    },
    {
        "name": "Lille – Cité administrative",
        "city": "Lille",
        "region": "Hauts-de-France",
        "address": "175 rue Gustave Delory, 59000 Lille",
    },
    {
        "name": "Bordeaux – Cité administrative",
        "city": "Bordeaux",
        "region": "Nouvelle-Aquitaine",
        "address": "2 rue Jules Ferry, 33000 Bordeaux",
    },
    {"name": "À distance", "city": "", "region": "", "address": "", "is_remote": True},
]

THEMES = [
    ("Intelligence collective", "intelligence-collective", "Travailler ensemble pour produire mieux que seul."),
    ("Design thinking", "design-thinking", "Partir des besoins réels des usagers pour concevoir."),
    ("Créativité", "creativite", "Produire beaucoup d'idées, puis les trier."),
    ("Narration", "narration", "Raconter un projet pour convaincre et embarquer."),
    ("Facilitation graphique", "facilitation-graphique", "Penser et partager avec des images."),
]

ORGANISATIONS = [
    ("Mission innovation", "internal"),
    ("ImFusio", "external"),
]


def load(stdout=None):
    for data in LOCATIONS:
        Location.objects.update_or_create(name=data["name"], defaults=data)
    for name, slug, description in THEMES:
        Theme.objects.update_or_create(slug=slug, defaults={"name": name, "description": description})
    for name, kind in ORGANISATIONS:
        Organisation.objects.update_or_create(name=name, defaults={"kind": kind})


def site_home():
    """The root page of the default site (the home page), where each section of the demo hangs."""
    return Site.objects.get(is_default_site=True).root_page


_deferred_pages = None


@contextmanager
def deferred_indexing():
    """Index each new demo page once, at the end, rather than at each of its three saves (creation, revision,
    publication): the demo is loaded before every browser test, so its speed matters."""
    global _deferred_pages
    from django.db.models.signals import post_save
    from modelsearch import index as search_index
    from modelsearch.signal_handlers import post_save_signal_handler
    from wagtail.models import ReferenceIndex
    from wagtail.signal_handlers import disable_reference_index_auto_update

    page_models = [model for model in search_index.get_indexed_models() if issubclass(model, Page)]
    for model in page_models:
        post_save.disconnect(post_save_signal_handler, sender=model)
    _deferred_pages = []
    try:
        with disable_reference_index_auto_update():
            yield
        pages = _deferred_pages
    finally:
        _deferred_pages = None
        for model in page_models:
            post_save.connect(post_save_signal_handler, sender=model)
    for page in pages:
        search_index.insert_or_update_object(page)
        ReferenceIndex.create_or_update_for_object(page)


def publish_child(parent, model, slug, **fields):
    """The live child page of `parent` with this slug, created and published when missing (never updated)."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        tags = fields.pop("tags", ())
        page = model(slug=slug)
        for name, value in fields.items():  # setattr also handles StreamFields and parental many-to-many
            setattr(page, name, value)
        if tags:
            page.tags.add(*tags)
        parent.add_child(instance=page)
        page.save_revision().publish()
        if _deferred_pages is not None:
            _deferred_pages.append(page)
    return page
