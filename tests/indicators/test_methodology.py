from pathlib import Path

from spaser.cli import main
from spaser.indicators.catalogue import CATALOGUE
from spaser.indicators.methodology import render


DOC = Path(__file__).resolve().parents[2] / "docs" / "indicateurs.md"


def test_committed_methodology_is_the_rendering_of_the_catalogue():
    assert DOC.read_text(encoding="utf-8") == render(), "run `make docs`"


def test_methodology_names_every_indicator_with_its_counting_rules():
    text = render()

    assert all(f"### {indicator.code} — {indicator.label}" in text for indicator in CATALOGUE)
    assert "Inconnu n'est pas « aucune »" in text


def test_the_command_line_prints_the_committed_methodology(capsys):
    assert main(["methodology"]) == 0

    assert capsys.readouterr().out == DOC.read_text(encoding="utf-8")
