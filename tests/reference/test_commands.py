"""`spaser reference import`: French summary on success, "Erreur : …" and exit code 2 on bad input."""

from spaser.cli import main
from tests.reference.conftest import FIXTURES, rows


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["reference", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_import_prints_a_french_summary(capsys, store):
    code, out, err = run(
        capsys, "import", str(FIXTURES / "liste_structures_2026-09-01.csv"), "--kind", "siae", "--store", str(store)
    )

    assert code == 0
    assert err == ""
    assert out == (
        "siae : 9 ligne(s) chargée(s) dans structures_inclusives (version 2026-09-01) depuis "
        "liste_structures_2026-09-01.csv.\n"
        "  1 ligne(s) ignorée(s) : type hors champ (SEP, OPCS) (première : ligne 11).\n"
    )


def test_large_counts_use_french_digit_grouping(capsys, store, tmp_path):
    big = tmp_path / "esus.csv"
    big.write_text("numero_siren\n" + "123456782\n" * 1500, encoding="utf-8")

    code, out, _err = run(capsys, "import", str(big), "--kind", "esus", "--store", str(store))

    assert code == 0
    assert "1\u202f499 ligne(s) ignorée(s) : SIREN en double" in out


def test_bad_input_exits_2_with_erreur(capsys, store):
    code, out, err = run(
        capsys,
        "import",
        str(FIXTURES / "StockUniteLegale_bad_siren.csv"),
        "--kind",
        "sirene-unites-legales",
        "--store",
        str(store),
    )

    assert (code, out) == (2, "")
    assert err.startswith("Erreur : StockUniteLegale_bad_siren.csv : ligne 3, colonne « siren » : SIREN « 123456789 »")
    assert not (store / "reference.duckdb").exists()


def test_skip_invalid_option(capsys, store):
    code, out, _err = run(
        capsys,
        "import",
        str(FIXTURES / "StockUniteLegale_bad_siren.csv"),
        "--kind",
        "sirene-unites-legales",
        "--store",
        str(store),
        "--skip-invalid",
    )

    assert code == 0
    assert "1 ligne(s) ignorée(s) : SIREN invalide (première : ligne 3)." in out
    assert rows(store, "SELECT count(*) FROM unites_legales") == [(2,)]


def test_unknown_kind(capsys, store):
    code, _out, err = run(
        capsys, "import", str(FIXTURES / "esus_numero_siren.csv"), "--kind", "ess", "--store", str(store)
    )

    assert code == 2
    assert err.startswith("Erreur : type de fichier « ess » inconnu (types : sirene-unites-legales, ")


def test_missing_file(capsys, store, tmp_path):
    code, _out, err = run(capsys, "import", str(tmp_path / "absent.csv"), "--kind", "esus", "--store", str(store))

    assert (code, err) == (2, f"Erreur : {tmp_path / 'absent.csv'} : fichier introuvable.\n")


def test_empty_file(capsys, store, tmp_path):
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")

    code, _out, err = run(capsys, "import", str(empty), "--kind", "siae", "--store", str(store))

    assert (code, err) == (2, "Erreur : vide.csv : le fichier est vide.\n")


def test_an_html_error_page_is_not_data(capsys, store, tmp_path):
    page = tmp_path / "StockUniteLegale_utf8.zip"
    page.write_text("<!doctype html><html><body>502 Bad Gateway</body></html>", encoding="utf-8")

    code, _out, err = run(capsys, "import", str(page), "--kind", "sirene-unites-legales", "--store", str(store))

    assert code == 2
    assert "ligne 1, ce fichier est une page HTML ou XML" in err
