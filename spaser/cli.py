"""The `spaser` command line: one sub-command per job of the data core."""

import argparse
import os
import sys
from pathlib import Path

from spaser.errors import SpaserError
from spaser.formatting import CONVENTIONS, FRENCH
from spaser.reference import KIND_NAMES


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="spaser", description="Spaser : données de la commande publique et SPASER.")
    groups = parser.add_subparsers(dest="group", required=True)

    decp = groups.add_parser("decp", help="Données essentielles de la commande publique").add_subparsers(
        dest="command", required=True
    )
    importer = decp.add_parser("import", help="Importer des fichiers DECP dans l'entrepôt")
    importer.add_argument("files", nargs="+", type=Path, metavar="FICHIER")
    importer.add_argument("--store", required=True, type=Path, help="Dossier de l'entrepôt analytique")
    importer.add_argument("--report-json", type=Path, help="Écrire le bilan de l'import en JSON")
    importer.add_argument("--no-progress", action="store_true", help="Ne pas afficher de barre de progression")
    importer.add_argument(
        "--max-bytes",
        type=_positive,
        help="Taille maximale d'un fichier une fois décompressé, en octets (par défaut : variable "
        "SPASER_DECP_MAX_BYTES, sinon 20 milliards)",
    )
    importer.add_argument(
        "--max-records",
        type=_positive,
        help="Nombre maximal d'enregistrements par fichier (par défaut : variable SPASER_DECP_MAX_RECORDS, "
        "sinon 50 millions)",
    )
    importer.set_defaults(handler="spaser.decp.commands:run_import")

    quality = decp.add_parser("quality", help="Résumé de la qualité des données de l'entrepôt")
    quality.add_argument("--store", required=True, type=Path)
    quality.add_argument("--format", choices=["table", "json"], default="table")
    quality.set_defaults(handler="spaser.decp.commands:run_quality")

    download = decp.add_parser("download", help="Télécharger les DECP consolidées publiées sur data.gouv.fr")
    download.add_argument("--dest", type=Path, default=Path("var/downloads"), help="Dossier de destination")
    download.add_argument("--dataset-url", help="Adresse de l'API du jeu de données (par défaut : DECP consolidées)")
    download.add_argument("--no-progress", action="store_true")
    download.set_defaults(handler="spaser.decp.commands:run_download")

    indicators = groups.add_parser("indicators", help="Indicateurs SPASER calculés depuis l'entrepôt DECP")
    indicators.add_argument("--store", required=True, type=Path, help="Dossier de l'entrepôt analytique")
    scope = indicators.add_mutually_exclusive_group()
    scope.add_argument("--buyer", action="append", metavar="SIREN", help="Un acheteur (tous ses SIRET)")
    scope.add_argument("--sirets", metavar="S1,S2", help="Une liste de SIRET (schéma mutualisé)")
    scope.add_argument("--all", action="store_true", help="Tous les acheteurs et toutes les années (avec --out)")
    scope.add_argument("--national", action="store_true", help="Agrégat national")
    scope.add_argument("--by-type", action="store_true", help="Agrégats par type d'acheteur")
    indicators.add_argument("--year", type=int, action="append", help="Année de notification (répétable)")
    indicators.add_argument(
        "--explain",
        metavar="CODE",
        help="Détail du calcul d'un indicateur pour --buyer (un ou plusieurs SIREN) et une --year : définition, "
        "SQL, comptes, version des données",
    )
    indicators.add_argument("--format", choices=["table", "csv", "json"], default="table")
    indicators.add_argument(
        "--convention",
        choices=CONVENTIONS,
        default=FRENCH,
        help="Convention du CSV (--format csv) : francaise (point-virgule, virgule décimale, UTF-8 avec BOM, par "
        "défaut) ou internationale (virgule, point décimal, sans BOM)",
    )
    indicators.add_argument("--out", type=Path, help="Fichier Parquet de sortie (avec --all)")
    indicators.add_argument("--concessions", action="store_true", help="Contrats de concession au lieu des marchés")
    indicators.add_argument(
        "--threshold", type=float, help="Seulement les contrats d'au moins ce montant (40000, 90000)"
    )
    indicators.add_argument("--nature", help="Nature du marché (libellé canonique)")
    indicators.add_argument("--cpv", metavar="DIVISION", help="Division CPV (deux premiers chiffres)")
    indicators.add_argument("--procedure", help="Procédure (libellé canonique)")
    indicators.set_defaults(handler="spaser.indicators.commands:run_indicators")
    methodology = groups.add_parser(
        "methodology", help="Écrire la méthodologie des indicateurs (docs/indicateurs.md) sur la sortie standard"
    )
    methodology.set_defaults(handler="spaser.indicators.commands:run_methodology")
    table_schemas = groups.add_parser(
        "table-schemas", help="Écrire les Table Schemas des fichiers CSV et Parquet publiés ou importés (docs/schemas)"
    )
    table_schemas.add_argument("--out", required=True, type=Path, help="Dossier où écrire les schémas")
    table_schemas.set_defaults(handler="spaser.commands:run_table_schemas")

    _add_reference(groups)
    _add_store(groups)

    demo = groups.add_parser("demo", help="Données de démonstration").add_subparsers(dest="command", required=True)
    generate = demo.add_parser("generate", help="Générer un fichier DECP 2022 synthétique réaliste")
    generate.add_argument("--marches", type=int, required=True, help="Nombre de marchés")
    generate.add_argument("--seed", type=int, default=1)
    generate.add_argument("--out", type=Path, required=True)
    generate.add_argument("--files", type=int, default=1, help="Répartir en N fichiers qui se recouvrent")
    generate.add_argument("--no-progress", action="store_true")
    generate.set_defaults(handler="spaser.demo.generator.commands:run_generate")
    reference = demo.add_parser(
        "reference", help="Générer un référentiel synthétique (SIRENE, ESUS, structures inclusives) pour l'entrepôt"
    )
    reference.add_argument("--store", required=True, type=Path, help="Dossier de l'entrepôt analytique")
    reference.add_argument(
        "--rows",
        type=int,
        help="Lignes d'unités légales et d'établissements (par défaut : SIRET des contrats + 5 000)",
    )
    reference.add_argument("--seed", type=int, default=7)
    reference.set_defaults(handler="spaser.demo.commands:run_reference")
    balances = demo.add_parser("balances", help="Générer des balances comptables synthétiques des acheteurs locaux")
    balances.add_argument("--store", required=True, type=Path, help="Dossier de l'entrepôt analytique")
    balances.add_argument("--out", required=True, type=Path, help="Fichier CSV à écrire")
    balances.set_defaults(handler="spaser.demo.commands:run_balances")
    return parser


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) == 0:
        raise argparse.ArgumentTypeError(f"« {value} » n'est pas un nombre entier positif")
    return int(value)


def _add_reference(groups) -> None:
    reference = groups.add_parser("reference", help="Données de référence (SIRENE, structures inclusives, COG)")
    commands = reference.add_subparsers(dest="command", required=True)
    importer = commands.add_parser("import", help="Importer un fichier de référence dans l'entrepôt")
    importer.add_argument("file", type=Path, metavar="FICHIER")
    importer.add_argument("--kind", required=True, help=f"Type du fichier : {', '.join(KIND_NAMES)}")
    importer.add_argument("--store", required=True, type=Path, help="Dossier de l'entrepôt analytique")
    importer.add_argument(
        "--skip-invalid", action="store_true", help="Ignorer les lignes au SIREN ou SIRET invalide au lieu d'échouer"
    )
    importer.set_defaults(handler="spaser.reference.commands:run_import")

    download = commands.add_parser("download", help="Télécharger puis importer les référentiels publics")
    download.add_argument("--dest", type=Path, default=Path("var/downloads/reference"), help="Dossier de destination")
    download.add_argument("--store", required=True, type=Path, help="Dossier de l'entrepôt analytique")
    download.add_argument("--kind", action="append", help="Type à télécharger (répétable ; par défaut : tous)")
    download.add_argument("--no-progress", action="store_true")
    download.set_defaults(handler="spaser.reference.commands:run_download")


def _add_store(groups) -> None:
    observatory = groups.add_parser("observatory", help="Observatoire national des SPASER").add_subparsers(
        dest="command", required=True
    )
    refresh = observatory.add_parser("refresh", help="Recalculer les tableaux de l'observatoire depuis l'entrepôt")
    refresh.add_argument("--store", required=True, type=Path, help="Dossier de l'entrepôt analytique")
    refresh.set_defaults(handler="spaser.observatory.commands:run_refresh")
    balances = observatory.add_parser(
        "balances", help="Importer les balances comptables DGFiP (dépenses par SIREN et exercice)"
    )
    balances.add_argument("file", type=Path, help="Fichier CSV des balances comptables (data.economie.gouv.fr)")
    balances.add_argument("--store", required=True, type=Path, help="Dossier de l'entrepôt analytique")
    balances.set_defaults(handler="spaser.observatory.commands:run_balances")
    export = observatory.add_parser(
        "export",
        help="Exporter en Parquet ce que lisent les séries nationales et le registre d'obligation, avec leur SQL "
        "Spark (calcul sur une grappe Spark)",
    )
    export.add_argument("--store", required=True, type=Path, help="Dossier de l'entrepôt analytique")
    export.add_argument("--out", required=True, type=Path, help="Dossier où écrire les fichiers Parquet et SQL")
    export.set_defaults(handler="spaser.observatory.commands:run_export")

    store = groups.add_parser("store", help="Vérifier, sauvegarder et restaurer l'entrepôt analytique")
    commands = store.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="Vérifier l'entrepôt : fichiers lisibles, tables, imports, rejets")
    check.add_argument("--store", required=True, type=Path, help="Dossier de l'entrepôt analytique")
    check.set_defaults(handler="spaser.analytics.maintenance:run_check")
    backup = commands.add_parser("backup", help="Sauvegarder l'entrepôt dans une archive tar (.tar.gz : compressée)")
    backup.add_argument("--store", required=True, type=Path, help="Dossier de l'entrepôt analytique")
    backup.add_argument("--out", required=True, type=Path, help="Archive à écrire")
    backup.set_defaults(handler="spaser.analytics.maintenance:run_backup")
    restore = commands.add_parser("restore", help="Remplacer l'entrepôt par une sauvegarde (vérifiée d'abord)")
    restore.add_argument("file", type=Path, metavar="SAUVEGARDE")
    restore.add_argument("--store", required=True, type=Path, help="Dossier de l'entrepôt analytique")
    restore.set_defaults(handler="spaser.analytics.maintenance:run_restore")


def _resolve(handler: str):
    module_name, function_name = handler.split(":")
    module = __import__(module_name, fromlist=[function_name])
    return getattr(module, function_name)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _resolve(args.handler)(args) or 0
    except SpaserError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader stopped early (`| head`): nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
