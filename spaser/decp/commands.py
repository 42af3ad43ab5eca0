"""Command-line handlers of `spaser decp import`, `spaser decp quality` and `spaser decp download`."""

import sys
from contextlib import contextmanager

import orjson
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from spaser.decp.download import DEFAULT_DATASET_URL, download_dataset
from spaser.decp.importer import ImportReport, import_files
from spaser.decp.quality import quality_summary
from spaser.decp.sources import Limits
from spaser.download import make_dir, open_client
from spaser.formatting import measure, number
from spaser.terminal import transfer_bar


FLAG_LABELS = {
    "siret_invalide": "SIRET invalide (longueur ou clé de contrôle)",
    "siret_corrige": "SIRET corrigé (espaces, zéro initial)",
    "cpv_invalide": "Code CPV illisible",
    "cpv_zero_restaure": "Code CPV à 7 chiffres complété",
    "valeur_inconnue": "Valeur hors nomenclature",
    "valeur_inexacte": "Valeur marquée inexacte (INX)",
    "date_manquante": "Date de notification manquante",
    "date_impossible": "Date impossible",
    "date_future": "Date dans le futur",
    "publication_avant_notification": "Publication antérieure à la notification",
    "montant_manquant": "Montant manquant",
    "montant_illisible": "Montant illisible",
    "montant_nul_ou_negatif": "Montant nul ou négatif",
    "montant_sentinelle": "Montant fictif (999999999, 12311111111…)",
    "montant_aberrant": "Montant supérieur à 1 milliard d'euros",
    "encodage_defectueux": "Texte mal encodé (caractère �)",
    "identifiant_reutilise_lots": "Identifiant réutilisé pour plusieurs marchés (lots ou marchés distincts)",
}


def run_import(args) -> int:
    console = Console(stderr=True)
    with _steps(console, enabled=not args.no_progress) as announce:
        limits = Limits.configured(args.max_bytes, args.max_records)
        report = import_files(args.files, args.store, on_step=announce, limits=limits)
    if args.report_json:
        args.report_json.write_bytes(orjson.dumps(report.as_dict(), option=orjson.OPT_INDENT_2))
    Console().print(_import_table(report))
    if report.quarantine:
        print(f"{report.rejected} enregistrement(s) rejeté(s), détail dans {report.quarantine}")
    return 0


@contextmanager
def _steps(console: Console, enabled: bool):
    """A progress bar over the import's steps (each file read, normalisation, deduplication) on standard error."""
    if not enabled or not sys.stderr.isatty():
        yield lambda message, done, total: None
        return
    columns = (
        SpinnerColumn(),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("Préparation de l'import", total=None)
        yield lambda message, done, total: progress.update(task, description=message, completed=done, total=total)


def _import_table(report: ImportReport) -> Table:
    table = Table(title=f"Import n° {report.run_id}")
    for header in ("Fichier", "Format", "Lus", "Nouveaux", "Remplacés", "Doublons", "Rejetés"):
        table.add_column(header, justify="left" if header in ("Fichier", "Format") else "right")
    for file in report.files:
        table.add_row(
            file.file,
            file.format if file.encoding == "utf-8" else f"{file.format} ({file.encoding})",
            *(number(getattr(file, name)) for name in ("records_read", "new", "replaced", "duplicate", "rejected")),
        )
    table.add_row(
        "Total",
        "",
        *(number(getattr(report, name)) for name in ("records_read", "new", "replaced", "duplicate", "rejected")),
        style="bold",
    )
    table.caption = (
        f"Entrepôt : {number(report.store_marches)} marchés et {number(report.store_concessions)} "
        "contrats de concession"
    )
    return table


def run_download(args) -> int:
    make_dir(args.dest)
    with open_client() as client:
        download_dataset(
            args.dataset_url or DEFAULT_DATASET_URL,
            args.dest,
            client=client,
            progress=None if args.no_progress else transfer_bar,
            on_result=lambda result: print(result.describe(), flush=True),
        )
    return 0


def run_quality(args) -> int:
    summary = quality_summary(args.store)
    if args.format == "json":
        print(orjson.dumps(summary, option=orjson.OPT_INDENT_2).decode())
        return 0
    console = Console(width=max(Console().width, 180))  # wide tables: file names and amounts stay on one line
    contracts = Table(title="Contrats de l'entrepôt")
    for header in ("Type", "Contrats", "Considération sociale inconnue", "Considération environnementale inconnue"):
        contracts.add_column(header, justify="right" if header != "Type" else "left")
    for kind, label in (("marche", "Marchés"), ("concession", "Contrats de concession")):
        counts = summary["contracts"][kind]
        contracts.add_row(
            label,
            number(counts["total"]),
            number(counts["social_unknown"]),
            number(counts["environmental_unknown"]),
        )
    console.print(contracts)
    flags = Table(title="Signalements de qualité (contrats concernés)")
    flags.add_column("Signalement")
    flags.add_column("Code")
    flags.add_column("Contrats", justify="right")
    for code, count in summary["flags"].items():
        flags.add_row(FLAG_LABELS.get(code, code), code, number(count))
    console.print(flags)
    console.print(_identity_table(summary["identity"]))
    console.print(
        f"Enregistrements rejetés (tous imports) : {number(summary['rejected'])} ; "
        f"imports : {number(summary['imports'])}"
    )
    return 0


IDENTITY_HEADERS = {
    "split_ids": "Identifiants scindés",
    "split_contracts": "Contrats issus",
    "split_amount": "Leur montant",
    "merged_contracts": "Contrats fusionnés",
    "merged_amount": "Montant retenu",
    "merged_other_amounts": "Autres versions",
}
IDENTITY_NOTE = (
    "Un identifiant est scindé quand ses versions diffèrent sur deux des trois éléments date de notification, "
    "montant initial, titulaires : ce sont des marchés distincts (lots ou identifiant réutilisé). Sinon elles sont "
    "les versions d'un même marché, « fusionnées » quand elles diffèrent : la version actuelle est retenue, les "
    "montants des autres versions (dernière colonne) ne sont pas comptés. Un contrat compte pour chaque fichier "
    "qui en contient une version ; montants HT hors montants signalés comme suspects."
)


def _identity_table(identity: dict) -> Table:
    """The files where the rule split or merged something; the others are counted in the caption."""
    concerned = [row for row in identity["files"] if any(row[name] for name in IDENTITY_HEADERS)]
    untouched = len(identity["files"]) - len(concerned)
    table = Table(
        title="Règle d'identité des marchés : identifiants scindés et versions fusionnées",
        caption=IDENTITY_NOTE
        + (f" Rien de scindé ni de fusionné dans les {untouched} autres fichiers." if untouched else ""),
    )
    table.add_column(
        "Fichier", overflow="fold", min_width=min(50, max((len(row["file"]) for row in concerned), default=10))
    )
    for header in IDENTITY_HEADERS.values():
        table.add_column(header, justify="right")
    for row in concerned:
        table.add_row(row["file"], *_identity_cells(row))
    table.add_row("Ensemble de l'entrepôt", *_identity_cells(identity["total"]), style="bold")
    return table


def _identity_cells(row: dict) -> list[str]:
    return [
        measure(row[name], "euros") if name.endswith(("amount", "amounts")) else number(row[name])
        for name in IDENTITY_HEADERS
    ]
