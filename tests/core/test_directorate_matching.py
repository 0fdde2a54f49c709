"""Which directorate an identity provider's organisation claims designate (Directorate.objects.matching_organisation)."""

import pytest
from django.core.exceptions import ValidationError

from core.models import Directorate

pytestmark = pytest.mark.django_db


def match(**claims):
    found = Directorate.objects.matching_organisation(**claims)
    return found.acronym if found else None


@pytest.mark.parametrize(
    "unit, expected",
    [
        ("DGFiP / Service des ressources humaines / Bureau RH-1A", "DGFiP"),
        ("dgfip", "DGFiP"),
        ("Direction générale des entreprises – Service de l'industrie", "DGE"),
        ("DIRECTION GENERALE DES ENTREPRISES", "DGE"),  # accents and case do not matter
        ("DG Trésor / Multilatéral", "DG Trésor"),
        ("Bureau DGFIPX", None),  # an acronym counts only as a whole word
        ("Cabinet du ministre", None),
        ("DGFiP puis DGE", None),  # two directorates: unsure, so asked
        ("", None),
    ],
)
def test_organisational_unit_designates_a_directorate_by_acronym_or_name(unit, expected):
    assert match(unit=unit) == expected


def test_a_listed_siret_decides_before_the_unit():
    Directorate.objects.filter(acronym="DGE").update(sirets="110 046 018 00013\n11004601800021")
    assert match(siret="11004601800013", unit="DGFiP / Bureau") == "DGE"
    assert match(siret="11004601800021") == "DGE"
    assert match(siret="11004601800099", unit="DGFiP / Bureau") == "DGFiP"
    assert match(siret="11004601800099") is None


def test_matching_costs_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        Directorate.objects.matching_organisation(siret="11004601800013", unit="DGFiP")


def test_sirets_field_refuses_what_is_not_a_siret():
    directorate = Directorate.objects.get(acronym="DGE")
    directorate.sirets = "11004601800013\n1100460"
    with pytest.raises(ValidationError) as error:
        directorate.full_clean()
    assert "«\u00a01100460\u00a0» n'est pas un numéro SIRET (14 chiffres)." in error.value.messages
    directorate.sirets = "110 046 018 00013\n\n"
    directorate.full_clean()
