"""Demo reference data (idempotent): sites, themes and organisations of the programme."""

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
