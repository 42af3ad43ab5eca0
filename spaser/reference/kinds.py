"""The kinds of reference files `spaser reference import --kind` knows, and the layouts each accepts.

A layout is recognised from the file itself (header, first line, JSON keys), never from its name: a file given
with the wrong `--kind` is recognised as what it is, and the error names the right kind.
"""

from collections.abc import Callable
from dataclasses import dataclass

from spaser.errors import SpaserError
from spaser.reference import esus, geography, inclusion, nomenclatures, sirene
from spaser.reference.loading import Context, Loaded
from spaser.reference.sources import Probe, fold


@dataclass(frozen=True)
class Layout:
    description: str  # French, shown when a file is given with the wrong kind
    load: Callable[[Context], Loaded]
    columns: tuple[str, ...] = ()  # header columns that identify the layout
    forms: tuple[str, ...] = ("csv", "parquet", "xlsx")
    test: Callable[[Probe], bool] | None = None  # for layouts without a header line

    def matches(self, source: Probe) -> bool:
        if source.form not in self.forms:
            return False
        if self.test is not None:
            return self.test(source)
        return source.has_columns(*self.columns)

    def missing(self, source: Probe) -> list[str]:
        return [name for name in self.columns if not source.has_columns(name)]


@dataclass(frozen=True)
class Kind:
    name: str
    label: str  # French
    tables: tuple[str, ...]
    layouts: tuple[Layout, ...]


def _json_with(*keys: str, without: tuple[str, ...] = ()) -> Callable[[Probe], bool]:
    def test(source: Probe) -> bool:
        found = inclusion.json_keys(source)
        return all(fold(key) in found for key in keys) and not any(fold(key) in found for key in without)

    return test


def _commune_json(source: Probe) -> bool:
    document = source.document
    first = document[0] if isinstance(document, list) and document and isinstance(document[0], dict) else {}
    return str(first.get("type", "")).startswith(("commune", "arrondissement"))


KINDS = {
    kind.name: kind
    for kind in (
        Kind(
            "sirene-unites-legales",
            "stock SIRENE des unités légales",
            ("unites_legales",),
            (Layout("StockUniteLegale", sirene.load_unites_legales, sirene.UNITES_LEGALES_COLUMNS),),
        ),
        Kind(
            "sirene-etablissements",
            "stock SIRENE des établissements",
            ("etablissements",),
            (Layout("StockEtablissement", sirene.load_etablissements, sirene.ETABLISSEMENTS_COLUMNS),),
        ),
        Kind(
            "annuaire-entreprises",
            "export des unités légales de l'Annuaire des entreprises",
            ("annuaire_entreprises",),
            (Layout("export de l'Annuaire des entreprises", sirene.load_annuaire, sirene.ANNUAIRE_COLUMNS),),
        ),
        Kind(
            "categories-juridiques",
            "nomenclature des catégories juridiques",
            ("categories_juridiques",),
            (
                Layout(
                    "nomenclature des catégories juridiques",
                    nomenclatures.load_categories_juridiques,
                    ("code", "niveau", "libelle"),
                ),
            ),
        ),
        Kind(
            "cog-regions",
            "liste des régions",
            ("regions",),
            (
                Layout(
                    "regions.json",
                    geography.load_regions,
                    forms=("json",),
                    test=_json_with("code", "nom", "chefLieu", without=("region", "departement", "membres")),
                ),
                Layout(
                    "cog_regions.csv",
                    geography.load_regions,
                    forms=("csv",),
                    test=lambda source: (
                        source.has_columns("code", "nom", "population_municipale") and not source.has_columns("region")
                    ),
                ),
            ),
        ),
        Kind(
            "cog-departements",
            "liste des départements",
            ("departements",),
            (
                Layout(
                    "departements.json",
                    geography.load_departements,
                    forms=("json",),
                    test=_json_with("code", "nom", "region", without=("type", "departement", "membres")),
                ),
                Layout(
                    "cog_departements.csv",
                    geography.load_departements,
                    ("code", "nom", "region", "population_municipale"),
                    forms=("csv",),
                ),
            ),
        ),
        Kind(
            "cog-communes",
            "liste des communes",
            ("communes", "communes_parents"),
            (
                Layout("communes.json", geography.load_communes, forms=("json",), test=_commune_json),
                Layout(
                    "cog_communes.csv",
                    geography.load_communes,
                    ("code_insee", "type", "nom", "departement", "region", "population_municipale"),
                    forms=("csv",),
                ),
            ),
        ),
        Kind(
            "cog-epci",
            "liste des EPCI",
            ("epci", "epci_membres"),
            (
                Layout("epci.json", geography.load_epci, forms=("json",), test=_json_with("code", "nom", "membres")),
                Layout(
                    "cog_epci.csv",
                    geography.load_epci,
                    ("siren", "nom", "type", "population_municipale", "nb_communes"),
                    forms=("csv",),
                ),
                Layout(
                    "cog_epci_membres.csv",
                    geography.load_epci,
                    ("groupement_siren", "commune_code_insee"),
                    forms=("csv",),
                ),
            ),
        ),
        Kind(
            "finess-esat",
            "liste des ESAT (FINESS)",
            ("structures_inclusives",),
            (
                Layout(
                    "extraction FINESS des établissements",
                    inclusion.load_finess_extract,
                    forms=("csv",),
                    test=inclusion.is_finess_extract,
                ),
                Layout(
                    "liste officielle des ESAT",
                    inclusion.load_esat_list,
                    (inclusion.ESAT_LIST.siret[0], inclusion.ESAT_LIST.nom[0]),
                ),
                Layout("liste officielle des ESAT", inclusion.load_esat_list, ("et_siret", "et_raison_sociale")),
            ),
        ),
        Kind(
            "siae",
            "liste des structures du Marché de l'inclusion",
            ("structures_inclusives",),
            (
                Layout(
                    "export du Marché de l'inclusion",
                    inclusion.load_siae_export,
                    ("Siret", "Type de structure", "Raison sociale"),
                ),
                Layout("liste du Marché de l'inclusion", inclusion.load_siae_fields, ("siret", "kind", "name")),
                Layout(
                    "API du Marché de l'inclusion",
                    inclusion.load_siae_json,
                    forms=("json",),
                    test=_json_with("siret", "kind", "name"),
                ),
            ),
        ),
        Kind(
            "ea",
            "liste des entreprises adaptées (EA, EATT)",
            ("structures_inclusives",),
            (
                Layout("flux EA2 de l'ASP", inclusion.load_ea_flux, forms=("csv",), test=inclusion.is_ea_flux),
                Layout(
                    "liste des EA de l'ASP (Liste_Contact_EA)",
                    inclusion.load_ea_contacts,
                    ("Siret_Signataire", "LIB_TYPE_EA", "Denomination_Sociale_Signataire"),
                ),
            ),
        ),
        Kind(
            "geiq",
            "liste des GEIQ",
            ("structures_inclusives",),
            (
                Layout(
                    "export de la fédération des GEIQ",
                    inclusion.load_geiq_export,
                    forms=("csv", "xlsx"),
                    # The Marché's export with contacts also has Nom, Siret and Code Postal: not a GEIQ list.
                    test=lambda source: (
                        source.has_columns("Nom", "SIRET", "Code Postal")
                        and not source.has_columns("Type de structure")
                    ),
                ),
                Layout("liste des labels GEIQ", inclusion.load_geiq_labels, ("label_id", "niveau", "nom", "siret")),
                Layout(
                    "API des labels GEIQ",
                    inclusion.load_geiq_json,
                    forms=("json",),
                    test=_json_with("nom", "siret", "antennes"),
                ),
            ),
        ),
        Kind(
            "esus",
            "liste des agréments ESUS",
            ("esus",),
            (
                Layout(
                    "liste des agréments ESUS (xlsx)",
                    esus.load_esus,
                    forms=("xlsx",),
                    test=lambda source: esus.header_row(source) is not None,
                ),
                Layout("liste des agréments ESUS (CSV)", esus.load_esus, ("numero_siren",), forms=("csv",)),
            ),
        ),
    )
}


def layout_for(kind: Kind, source: Probe) -> Layout:
    """The layout of `kind` that `source` has; otherwise an error naming the kind it is, or what is missing."""
    for layout in kind.layouts:
        if layout.matches(source):
            return layout
    for other in KINDS.values():
        if other.name != kind.name and any(layout.matches(source) for layout in other.layouts):
            found = next(layout for layout in other.layouts if layout.matches(source))
            raise SpaserError(
                f"{source.name} : {_where(source)}, ce fichier est du type « {other.name} » ({found.description}), "
                f"pas « {kind.name} » ({kind.label}) : relancez avec --kind {other.name}."
            )
    with_columns = [layout for layout in kind.layouts if layout.columns and source.form in layout.forms]
    if with_columns and source.header:
        closest = min(with_columns, key=lambda layout: len(layout.missing(source)))
        missing = ", ".join(f"« {name} »" for name in closest.missing(source))
        raise SpaserError(
            f"{source.name} : ligne 1 (en-tête), colonne(s) manquante(s) pour le format « {closest.description} » : "
            f"{missing}."
        )
    expected = " ; ".join(sorted({layout.description for layout in kind.layouts}))
    raise SpaserError(
        f"{source.name} : format non reconnu pour « {kind.name} » ({kind.label} ; attendu : {expected})."
    )


def _where(source: Probe) -> str:
    return "entrée n° 1" if source.form == "json" else "ligne 1 (en-tête)"
