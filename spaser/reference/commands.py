"""Command-line handlers of `spaser reference import` and `spaser reference download`, and the French summary of
an import."""

from pathlib import Path

from spaser.analytics.classes import refresh_classes
from spaser.decp.store import database_path
from spaser.download import open_client
from spaser.formatting import number
from spaser.reference.download import download_reference
from spaser.reference.importer import LoadReport, import_reference
from spaser.terminal import transfer_bar


def run_import(args) -> int:
    report = import_reference(args.file, args.kind, args.store, skip_invalid=args.skip_invalid)
    print(summary(report))
    reclassify(args.store)
    return 0


def run_download(args) -> int:
    with open_client() as client:
        download_reference(
            args.dest,
            args.store,
            client=client,
            kinds=args.kind,
            progress=None if args.no_progress else transfer_bar,
            on_downloaded=lambda result: print(result.describe(), flush=True),
            on_imported=_print_import,
        )
    reclassify(args.store)
    return 0


def _print_import(kind: str, report: LoadReport | None) -> None:
    print(f"{kind} : déjà importé, rien à faire." if report is None else summary(report), flush=True)


def reclassify(store: Path) -> None:
    """The contracts' awardee and buyer classes depend on the reference data: recompute them once per command."""
    if database_path(store).exists():
        refresh_classes(store)
        print("Classement des acheteurs et des titulaires des contrats mis à jour.")


def summary(report: LoadReport) -> str:
    """`siae : 1 234 ligne(s) chargée(s) dans structures_inclusives (version 2026-05-20) depuis …`, then the rows
    left out, by reason."""
    line = (
        f"{report.kind} : {number(report.rows)} ligne(s) chargée(s) dans {report.table} "
        f"(version {report.version}) depuis {report.file}."
    )
    for reason, (count, first) in report.skipped.items():
        line += f"\n  {number(count)} ligne(s) ignorée(s) : {reason} (première : {first})."
    return line
