"""Command-line handlers of `spaser demo reference` and `spaser demo balances`."""

from pathlib import Path

from spaser.demo.balances import write_demo_balances
from spaser.demo.reference import TABLES, build_reference
from spaser.formatting import count, number
from spaser.reference.commands import reclassify
from spaser.reference.store import database_path as reference_database_path


def run_reference(args) -> int:
    """`spaser demo reference`: build, print the French summary, then reclassify the contracts as an import does."""
    sizes = build_reference(args.store, args.rows, args.seed)
    for line in reference_summary_lines(sizes, reference_database_path(args.store), args.seed):
        print(line)
    reclassify(args.store)
    return 0


def reference_summary_lines(sizes: dict, path: Path, seed: int) -> list[str]:
    known = {"unites_legales": ("known_sirens", "SIREN"), "etablissements": ("known_sirets", "SIRET")}
    lines = [f"Référentiel synthétique (graine {seed}) écrit dans {path} :"]
    for table in TABLES:
        line = f"  {table} : {count(sizes[table], 'ligne')}"
        if table in known:
            known_count, name = known[table]
            line += f", dont les {number(sizes[known_count])} {name} des contrats de l'entrepôt"
        lines.append(line)
    return lines


def run_balances(args) -> int:
    lines = write_demo_balances(args.store, args.out)
    print(f"Balances comptables synthétiques : {count(lines, 'ligne')} écrites dans {args.out}.")
    return 0
