"""The INSEE nomenclature of catégories juridiques."""

import pytest

from spaser.errors import SpaserError
from tests.reference.conftest import load, rows


def test_levels_and_labels(store):
    report = load(store, "categories_juridiques.csv", "categories-juridiques")

    assert report.rows == 8
    assert rows(store, "SELECT * FROM categories_juridiques WHERE code IN ('7', '72', '7229') ORDER BY code") == [
        ("7", 1, "Personne morale et organisme soumis au droit administratif"),
        ("72", 2, "Collectivité territoriale"),
        ("7229", 3, "(Autre) Collectivité territoriale"),
    ]


def test_a_code_that_does_not_fit_its_level_is_refused(store):
    with pytest.raises(
        SpaserError,
        match=r"^categories_juridiques_niveau_faux\.csv : ligne 6, colonne « code » : "
        r"code « 72 » invalide pour son niveau",
    ):
        load(store, "categories_juridiques_niveau_faux.csv", "categories-juridiques")
