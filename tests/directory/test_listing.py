import pytest

from spaser.directory.listing import (
    COMMUNES,
    DEPARTMENTS,
    METROPOLES,
    OTHER_EPCI,
    OTHERS,
    REGIONS,
    RTES_2023,
    SOURCES,
    rtes_category,
)
from spaser.plans.models import Population, PurchaseVolume
from spaser.tables import DIRECTORY_EXPORT_CSV, POPULATION_BRACKETS, PURCHASE_VOLUME_BRACKETS


@pytest.mark.parametrize(
    ("buyer_type", "category"),
    [
        ("Région", REGIONS),
        ("Collectivité territoriale unique", REGIONS),
        ("Département", DEPARTMENTS),
        ("Métropole", METROPOLES),
        ("Communauté de communes", OTHER_EPCI),
        ("Communauté d'agglomération", OTHER_EPCI),
        ("EPCI", OTHER_EPCI),
        ("Commune", COMMUNES),
        ("Etablissement public", OTHERS),
        ("", OTHERS),
    ],
)
def test_buyer_types_fall_in_the_rtes_categories(buyer_type, category):
    assert rtes_category(buyer_type) == category


def test_the_rtes_count_adds_up_to_61():
    assert sum(RTES_2023.values()) == 61


def test_the_file_declarations_name_the_same_values_as_the_models():
    """spaser/tables.py cannot import Django: its brackets and sources repeat the models' labels."""
    assert POPULATION_BRACKETS == tuple(Population.labels)
    assert PURCHASE_VOLUME_BRACKETS == tuple(PurchaseVolume.labels)
    assert DIRECTORY_EXPORT_CSV.field("source").enum == SOURCES
