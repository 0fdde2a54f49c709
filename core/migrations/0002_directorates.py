from django.db import migrations

# The directorates of the economic and financial ministries, pre-filled so that every agent can pick theirs.
DIRECTORATES = [
    ("SG", "Secrétariat général"),
    ("DGFiP", "Direction générale des Finances publiques"),
    ("DGDDI", "Direction générale des douanes et droits indirects"),
    ("DG Trésor", "Direction générale du Trésor"),
    ("DGE", "Direction générale des entreprises"),
    ("DB", "Direction du Budget"),
    ("DGCCRF", "Direction générale de la concurrence, de la consommation et de la répression des fraudes"),
    ("INSEE", "Institut national de la statistique et des études économiques"),
    ("DAJ", "Direction des affaires juridiques"),
    ("DAE", "Direction des achats de l'État"),
    ("AIFE", "Agence pour l'informatique financière de l'État"),
    ("APE", "Agence des participations de l'État"),
    ("IGF", "Inspection générale des finances"),
    ("CGE", "Conseil général de l'économie"),
    ("CGefi", "Contrôle général économique et financier"),
    ("Tracfin", "Traitement du renseignement et action contre les circuits financiers clandestins"),
    ("DNLF", "Délégation nationale à la lutte contre la fraude"),
    ("DIE", "Direction de l'immobilier de l'État"),
]


def add_directorates(apps, schema_editor):
    Directorate = apps.get_model("core", "Directorate")
    for acronym, name in DIRECTORATES:
        Directorate.objects.get_or_create(acronym=acronym, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(add_directorates, migrations.RunPython.noop)]
