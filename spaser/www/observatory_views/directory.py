"""The observatory's directory: every SPASER the platform knows, searched and counted, its exports, and the staff's
import of the national directory's fields."""

import io
import json
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from spaser.analytics.files import rows_parquet_bytes
from spaser.directory import importing
from spaser.directory.listing import RTES_2023, RTES_CATEGORIES, SOURCES, Listed, folded, known_schemes
from spaser.directory.models import DirectoryEntry, DirectoryImport
from spaser.formatting import FRENCH, write_csv
from spaser.observatory.store import source_versions, version_date
from spaser.plans import directory as published, steering
from spaser.plans.directory import Place
from spaser.plans.models import Scheme
from spaser.publications.models import Publication, Status as PublicationStatus
from spaser.publications.status import publication_status
from spaser.tables import DIRECTORY_CSV, DIRECTORY_EXPORT_CSV, DIRECTORY_EXPORT_PARQUET, NO, YES
from spaser.www import breadcrumbs
from spaser.www.forms import CsvUploadForm, DsfrModelForm
from spaser.www.observatory_views.reading import PARQUET_TYPE
from spaser.www.page_cache import cached_public_page
from spaser.www.public_views.forms import counted


IN_FORCE, EXPIRED = "en-vigueur", "expire"
UNLOCATED = "Non localisé"
# Every département of the map, so that its colour scale starts at zero (the map leaves unknown codes uncoloured)
DEPARTMENTS = (
    *(f"{number:02d}" for number in range(1, 96) if number != 20),
    "2A",
    "2B",
    *("971", "972", "973", "974", "976"),
)
SCHEMAS = {table.name: table for table in (DIRECTORY_CSV, DIRECTORY_EXPORT_CSV, DIRECTORY_EXPORT_PARQUET)}


@dataclass(frozen=True)
class Located:
    listed: Listed
    place: Place | None

    @property
    def department(self) -> str:
        """Its head office's département code (three digits overseas), from the commune code."""
        if self.place is None:
            return ""
        code = self.place.town_code
        return code[:3] if code.startswith("97") else code[:2]


def located_schemes() -> list[Located]:
    schemes = known_schemes()
    places = published.places(tuple(sorted({listed.siren for listed in schemes})))
    return [Located(listed, places.get(listed.siren)) for listed in schemes]


def version() -> tuple:
    """Changes with the published schemes, the directory entries and the DECP data (the buyers' places)."""
    schemes = Scheme.objects.published().aggregate(last=Max("updated_at"), count=Count("pk"))
    entries = DirectoryEntry.objects.aggregate(last=Max("changed_at"), count=Count("pk"))
    data = steering.data_version(settings.SPASER_STORE_DIR)
    # The biennial publications' badges change with each publication, and with the day (« en retard »).
    published = Publication.objects.exclude(status=PublicationStatus.DRAFT).aggregate(
        last=Max("published_at"), count=Count("pk")
    )
    return *schemes.values(), *entries.values(), data, timezone.localdate(), *published.values()


def last_change():
    """When the directory last changed: a published scheme or an entry saved."""
    changes = [
        Scheme.objects.published().aggregate(last=Max("updated_at"))["last"],
        DirectoryEntry.objects.aggregate(last=Max("changed_at"))["last"],
    ]
    return max((change for change in changes if change), default=None)


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label="Acheteur, titre ou SIREN", required=False, max_length=100)
    categorie = forms.ChoiceField(label="Type d'acheteur", required=False)
    region = forms.ChoiceField(label="Région", required=False)
    departement = forms.ChoiceField(label="Département", required=False)
    annee = forms.ChoiceField(label="Période couvrant l'année", required=False)
    edition = forms.ChoiceField(label="Édition", required=False)
    statut = forms.ChoiceField(label="En vigueur ou expiré", required=False)
    source = forms.ChoiceField(label="Source", required=False)

    def __init__(self, data, schemes: list[Located], year: int):
        super().__init__(data)
        self.schemes, self.year = schemes, year
        regions = {item.place.region_code: item.place.region for item in schemes if item.place}
        self.fields["categorie"].choices = counted("Tous les types", [item.listed.category for item in schemes])
        self.fields["region"].choices = counted(
            "Toutes les régions", [item.place and item.place.region_code for item in schemes], regions.get
        )
        self.fields["departement"].choices = counted("Tous les départements", [item.department for item in schemes])
        covered = [
            covered
            for item in schemes
            for covered in range(item.listed.start_year, (item.listed.end_year or year) + 1)
        ]
        self.fields["annee"].choices = counted("Toutes les années", covered)
        self.fields["edition"].choices = counted("Toutes les éditions", [item.listed.edition for item in schemes])
        statuses = [_status(item.listed, year) for item in schemes]
        labels = {IN_FORCE: f"En vigueur en {year}", EXPIRED: f"Expiré en {year}"}
        self.fields["statut"].choices = counted("Tous", statuses, labels.get)
        self.fields["source"].choices = counted("Toutes les sources", [item.listed.source for item in schemes])

    def results(self) -> list[Located]:
        """The schemes matching every valid criterion; an invalid criterion is ignored."""
        self.is_valid()
        tests = {
            "q": lambda item, words: all(word in _searchable(item.listed) for word in folded(words).split()),
            "categorie": lambda item, category: item.listed.category == category,
            "region": lambda item, code: item.place is not None and item.place.region_code == code,
            "departement": lambda item, code: item.department == code,
            "annee": lambda item, year: item.listed.in_force(int(year)),
            "edition": lambda item, edition: str(item.listed.edition) == edition,
            "statut": lambda item, status: _status(item.listed, self.year) == status,
            "source": lambda item, source: item.listed.source == source,
        }
        active = [(test, self.cleaned_data[name]) for name, test in tests.items() if self.cleaned_data.get(name)]
        return [item for item in self.schemes if all(test(item, value) for test, value in active)]

    @property
    def filtered(self) -> bool:
        return any(self.cleaned_data.get(name) for name in self.fields)


def _status(listed: Listed, year: int) -> str:
    return IN_FORCE if listed.in_force(year) else EXPIRED if listed.expired(year) else ""


def _searchable(listed: Listed) -> str:
    return folded(" ".join([listed.name, listed.title, *listed.sirens, listed.structure_type]))


@dataclass(frozen=True)
class Tally:
    name: str
    schemes: int
    in_force: int
    reference: int | None = None


def tallies(schemes: list[Located], key, year: int, names=None) -> list[Tally]:
    """Per value of `key` (in the order of `names`, else by decreasing count): schemes and those in force."""
    counts = Counter(key(item) for item in schemes)
    in_force = Counter(key(item) for item in schemes if item.listed.in_force(year))
    order = names or [name for name, _ in counts.most_common()]
    return [Tally(name or UNLOCATED, counts[name], in_force[name], RTES_2023.get(name)) for name in order]


@login_not_required
@require_safe
@cached_public_page(version)
def page(request):
    year = timezone.localdate().year
    schemes = located_schemes()
    form = DirectorySearchForm(request.GET, schemes, year)
    results = form.results()
    by_department = tallies(results, lambda item: item.department, year)
    publications = publication_status({item.listed.siren for item in results}, timezone.localdate())
    context = {
        "title": "Annuaire des SPASER",
        "form": form,
        "year": year,
        "known": len(schemes),
        "results": results,
        "sources": SOURCES,
        "source_counts": Counter(item.listed.source for item in results),
        "categories": tallies(results, lambda item: item.listed.category, year, RTES_CATEGORIES),
        "regions": tallies(results, lambda item: item.place.region if item.place else "", year),
        "departments": by_department,
        "rows": [(item, _status(item.listed, year), publications[item.listed.siren]) for item in results],
        "map_data": _map_data(by_department),
        "criteria": request.GET.urlencode(),
        "last_change": last_change(),
        "decp_date": decp_date(),
        "breadcrumb_data": breadcrumbs.observatory_page(),
    }
    return render(request, "observatory/directory.html", context)


def _map_data(by_department: list[Tally]) -> str:
    """The map's JSON, empty when no scheme is located (a map of zeros says nothing)."""
    located = {tally.name: tally.schemes for tally in by_department if tally.name != UNLOCATED}
    return json.dumps(dict.fromkeys(DEPARTMENTS, 0) | located) if located else ""


def export_rows(schemes: list[Located], decp_date: date | None) -> list[list]:
    """The rows of DIRECTORY_EXPORT_CSV, as the page lists them, with the date of the DECP store that placed them."""
    return [
        [
            listed.siren,
            listed.name,
            listed.structure_type,
            listed.title,
            listed.population,
            listed.purchase_volume,
            listed.start_year,
            listed.end_year,
            listed.edition,
            YES if listed.mutualised else NO,
            " ".join(listed.other_sirens),
            listed.document_url,
            listed.published_on,
            listed.updated_on,
            listed.description,
            listed.source,
            listed.category,
            item.place.region if item.place else "",
            item.department,
            listed.url,
            decp_date,
        ]
        for item in schemes
        for listed in [item.listed]
    ]


def decp_date() -> date | None:
    """The date of the DECP store the buyers' places come from."""
    return version_date(source_versions(settings.SPASER_STORE_DIR)["decp"])


@login_not_required
@require_safe
def export(request, file_format: str):
    """The schemes of the search as DIRECTORY_EXPORT_CSV (French convention) or DIRECTORY_EXPORT_PARQUET."""
    if file_format not in ("csv", "parquet"):
        raise Http404("Format inconnu : csv ou parquet.")
    year = timezone.localdate().year
    schemes = DirectorySearchForm(request.GET, located_schemes(), year).results()
    rows = export_rows(schemes, decp_date())
    if file_format == "parquet":
        columns = [(field.name, field.duckdb_type) for field in DIRECTORY_EXPORT_PARQUET.fields]
        missing_as_null = [[None if value == "" else value for value in row] for row in rows]
        content, content_type = rows_parquet_bytes(columns, missing_as_null), PARQUET_TYPE
    else:
        stream = io.StringIO()
        write_csv(stream, DIRECTORY_EXPORT_CSV.names, rows, FRENCH)
        content, content_type = stream.getvalue(), "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    filename = f"annuaire-spaser-{date.today():%Y-%m-%d}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_not_required
@require_safe
def table_schema(request, name: str):
    if name not in SCHEMAS:
        raise Http404("Aucun schéma de ce nom.")
    table = SCHEMAS[name]
    return JsonResponse(table.schema(table.conventions[0]), json_dumps_params={"ensure_ascii": False, "indent": 2})


# The staff's import


class UploadForm(CsvUploadForm):
    label = "Fichier CSV de l'annuaire"


def _staff_only(request) -> None:
    if not request.user.is_staff:
        raise PermissionDenied("Seule l'équipe de la plateforme complète l'annuaire.")


def upload(request):
    """Staff only: imports a CSV whole, or shows every error by line and column and stores nothing."""
    _staff_only(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"]
        source, errors = importing.import_csv(data.read(), data.name, request.user)
        if source:
            messages.success(request, f"« {source.file_name} » importé : {source.rows} fiche(s) ajoutée(s).")
            return redirect("observatory:directory_import")
    context = {
        "title": "Compléter l'annuaire",
        "form": form,
        "errors": errors,
        "imports": DirectoryImport.objects.select_related("imported_by").annotate(count=Count("entries")),
        "entries": DirectoryEntry.objects.select_related("directory_import"),
        "columns": DIRECTORY_CSV.fields,
        "breadcrumb_data": breadcrumbs.observatory_page((reverse("observatory:directory"), "Annuaire des SPASER")),
    }
    return render(request, "observatory/directory_import.html", context)


@require_POST
def undo(request, pk: int):
    _staff_only(request)
    source = get_object_or_404(DirectoryImport, pk=pk)
    removed = importing.undo_import(source)
    messages.success(request, f"Import de « {source.file_name} » annulé : {removed} fiche(s) retirée(s).")
    return redirect("observatory:directory_import")


class EntryForm(DsfrModelForm):
    document_url = forms.URLField(label="Lien du document", required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = DirectoryEntry
        fields = [
            "siren",
            "name",
            "structure_type",
            "title",
            "population",
            "purchase_volume",
            "start_year",
            "end_year",
            "edition",
            "mutualised",
            "other_sirens",
            "document_url",
            "published_on",
            "updated_on",
            "description",
        ]
        widgets = {
            "published_on": forms.DateInput(attrs={"type": "date"}),
            "updated_on": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self):
        cleaned = super().clean()
        for name in ("siren", "other_sirens"):
            wrong = [siren for siren in (cleaned.get(name) or "").split() if not importing.valid_siren(siren)]
            if wrong:
                self.add_error(name, f"SIREN invalide (clé de Luhn) : {', '.join(wrong)}.")
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", f"La période se termine en {end}, avant de commencer en {start}.")
        return cleaned


def entry_form(request, pk: int | None = None):
    """Staff only: adds an entry (« saisi par l'équipe ») or corrects one, imported entries included."""
    _staff_only(request)
    entry = get_object_or_404(DirectoryEntry, pk=pk) if pk else None
    form = EntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"Fiche « {saved} » enregistrée.")
        return redirect("observatory:directory_import")
    context = {
        "title": f"Modifier la fiche « {entry} »" if entry else "Ajouter une fiche à l'annuaire",
        "form": form,
        "breadcrumb_data": breadcrumbs.observatory_page(
            (reverse("observatory:directory"), "Annuaire des SPASER"),
            (reverse("observatory:directory_import"), "Compléter l'annuaire"),
        ),
    }
    return render(request, "observatory/directory_entry.html", context)


@login_not_required
@require_safe
def template_download(request):
    response = HttpResponse(importing.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modele-annuaire-spaser.csv"'
    return response
