"""The search and filters of the public list: a GET form whose choices are those of the published schemes."""

from collections import Counter
from collections.abc import Callable

from django import forms

from spaser.plans.directory import Entry


MUTUALISED = {"oui": True, "non": False}


def counted(everything: str, values: list, label: Callable = str) -> list[tuple[str, str]]:
    """The choice of `everything`, then « value (count) » of the values met, in their order; an absent value (None,
    "") is left out."""
    counts = Counter(value for value in values if value not in (None, ""))
    return [("", everything), *((str(value), f"{label(value)} ({counts[value]})") for value in sorted(counts))]


class SchemeSearchForm(forms.Form):
    q = forms.CharField(label="Acheteur, titre, SIREN ou commune", required=False, max_length=100)
    type = forms.ChoiceField(label="Type d'acheteur", required=False)
    region = forms.ChoiceField(label="Région", required=False)
    annee = forms.ChoiceField(label="En vigueur en", required=False)
    edition = forms.ChoiceField(label="Édition", required=False)
    mutualise = forms.ChoiceField(label="SPASER mutualisé", required=False)

    def __init__(self, data, entries: list[Entry]):
        super().__init__(data)
        self.entries = entries
        schemes = [entry.scheme for entry in entries]
        regions = {entry.place.region_code: entry.place.region for entry in entries if entry.place}
        self.fields["type"].choices = counted("Tous les types", [scheme.organisation.buyer_type for scheme in schemes])
        self.fields["region"].choices = sorted(
            counted("Toutes les régions", [entry.place and entry.place.region_code for entry in entries], regions.get),
            key=_by_label,
        )
        self.fields["annee"].choices = counted(
            "Toutes les années", [year for scheme in schemes for year in scheme.years]
        )
        self.fields["edition"].choices = counted(
            "Toutes les éditions", [scheme.edition for scheme in schemes], _edition
        )
        mutualised = ["oui" if scheme.mutualised else "non" for scheme in schemes]
        self.fields["mutualise"].choices = counted("Mutualisés ou non", mutualised, str.capitalize)

    def results(self) -> list[Entry]:
        """The entries that match every valid criterion, in their order; an invalid criterion is ignored."""
        self.is_valid()
        criteria = self.cleaned_data
        tests = {
            "q": lambda entry, words: entry.mentions(words),
            "type": lambda entry, kind: entry.scheme.organisation.buyer_type == kind,
            "region": lambda entry, code: entry.place is not None and entry.place.region_code == code,
            "annee": lambda entry, year: int(year) in entry.scheme.years,
            "edition": lambda entry, edition: entry.scheme.edition == int(edition),
            "mutualise": lambda entry, answer: entry.scheme.mutualised is MUTUALISED[answer],
        }
        active = [(test, criteria[name]) for name, test in tests.items() if criteria.get(name)]
        return [entry for entry in self.entries if all(test(entry, value) for test, value in active)]

    @property
    def filtered(self) -> bool:
        return any(self.cleaned_data.get(name) for name in self.fields)


def _by_label(choice: tuple[str, str]) -> tuple:
    return choice[0] != "", choice[1]


def _edition(edition: int) -> str:
    return "1re édition" if edition == 1 else f"{edition}e édition"
