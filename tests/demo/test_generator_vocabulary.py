"""The vocabularies of the synthetic DECP, read from the generator's JSON package data."""

import re

from spaser.demo.generator.schema import CONCESSION_NATURES
from spaser.demo.generator.vocabulary import (
    CONCESSION_OBJETS,
    CPV_CHECK_DIGITS,
    CPV_CODES,
    CPV_ENTRIES,
    CPV_GROUPS,
    DEPT_CODES,
    DEPT_REGIONS,
    LIEUX,
    SERVICES_CONCEDES,
)


SLOTS = {"lieu": "L", "voie": "V", "ext": "E", "dest": "D", "neuf": "N", "annee": "2025", "secteur": "S"}


def test_objet_templates_use_only_the_known_slots():
    templates = [operation for group in CPV_GROUPS for operation in group.operations]
    templates += [objet for entry in CPV_ENTRIES for objet in entry.objets]
    filled = [template.format(**SLOTS) for template in templates]
    assert not [text for text in filled if "{" in text or "}" in text]
    assert len(LIEUX) > 200


def test_cpv_codes_have_eight_digits_and_known_check_digits():
    assert all(re.fullmatch(r"\d{8}", code) for code in CPV_CODES)
    assert set(CPV_CHECK_DIGITS) <= set(CPV_CODES)
    assert all(re.fullmatch(r"\d", digit) for digit in CPV_CHECK_DIGITS.values())


def test_every_concession_nature_has_objets_naming_the_service():
    assert len(CONCESSION_OBJETS) == len(CONCESSION_NATURES)
    assert all(objets for objets in CONCESSION_OBJETS)
    assert all(objet.count("{}") <= 1 for objets in CONCESSION_OBJETS for objet in objets)
    assert all(tarifs for _, tarifs in SERVICES_CONCEDES)


def test_departements_are_unique_with_their_region():
    assert len(DEPT_CODES) == len(set(DEPT_CODES)) == 101
    assert dict(zip(DEPT_CODES, DEPT_REGIONS, strict=True))["2A"] == "94"
