"""The SQL macros the loaders share: identifiers and flags."""

import duckdb
import pytest

from spaser.reference.sql import install_macros


@pytest.fixture(scope="module")
def connection():
    with duckdb.connect() as connection:
        install_macros(connection)
        yield connection


def value(connection, expression: str):
    return connection.execute(f"SELECT {expression}").fetchone()[0]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("00542010400019", "00542010400019"),
        ("542010400019", "00542010400019"),  # two leading zeros lost in a spreadsheet
        ("005 420 104 00019", "00542010400019"),
        (" ", None),
        ("5420104000190000", "5420104000190000"),  # too long: left as is, then refused
    ],
)
def test_identifier_cleaning(connection, raw, expected):
    assert value(connection, f"ref_id('{raw}', 14)") == expected


@pytest.mark.parametrize(
    ("siret", "valid"),
    [
        ("00542010400019", True),
        ("00542010400018", False),
        ("35600000001005", True),  # La Poste: digit sum multiple of 5
        ("35600000001006", False),
        ("0054201040001A", False),
    ],
)
def test_siret_check(connection, siret, valid):
    assert value(connection, f"ref_siret_ok('{siret}')") is valid


def test_siren_check(connection):
    assert value(connection, "ref_siren_ok('005420104')") is True
    assert value(connection, "ref_siren_ok('123456789')") is False
    assert value(connection, "ref_siren_ok(NULL)") is False


@pytest.mark.parametrize(
    ("raw", "flag"),
    [("O", True), ("N", False), ("", None), ("True", True), ("False", False), ("true", True), ("nan", None)],
)
def test_flags(connection, raw, flag):
    assert value(connection, f"ref_flag('{raw}')") is flag


def test_text_drops_empty_and_masked_values(connection):
    assert value(connection, "ref_text('[ND]')") is None
    assert value(connection, "ref_text('  ')") is None
    assert value(connection, "ref_text(' ESAT ')") == "ESAT"
