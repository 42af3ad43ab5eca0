import factory

from spaser.directory.models import DirectoryEntry, Source


class DirectoryEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DirectoryEntry

    siren = "216900001"
    name = "Commune Exemple (fictive)"
    structure_type = "Commune"
    start_year = 2023
    end_year = 2027
    edition = 1
    source = Source.STAFF

    class Params:
        imported = factory.Trait(source=Source.IMPORTED)
