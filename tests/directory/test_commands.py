import pytest
from django.core.management import CommandError, call_command

from spaser.directory.listing import known_schemes
from spaser.directory.models import DirectoryEntry, Source
from tests.directory.test_importing import csv_of, line


@pytest.mark.django_db
def test_import_directory_imports_a_file_or_names_its_errors(tmp_path, capsys):
    good, bad = tmp_path / "annuaire.csv", tmp_path / "faux.csv"
    good.write_bytes(csv_of(line()))
    bad.write_bytes(csv_of(line(siren="216900002")))

    call_command("import_directory", str(good))
    with pytest.raises(CommandError, match="(?s)« faux.csv » n'a pas été importé .*Ligne 2, colonne « siren »"):
        call_command("import_directory", str(bad))

    assert "« annuaire.csv » importé : 1 fiche(s) ajoutée(s)." in capsys.readouterr().out
    assert DirectoryEntry.objects.count() == 1


@pytest.mark.django_db
def test_the_demo_directory_loads_twice_without_duplicates():
    call_command("load_demo_directory")
    call_command("load_demo_directory")

    sources = [listed.source for listed in known_schemes()]
    assert sources.count("importé") == 3 and sources.count("saisi par l'équipe") == 1
    assert all("(ficti" in entry.name for entry in DirectoryEntry.objects.all())
    assert DirectoryEntry.objects.filter(source=Source.STAFF).get().population == ""
