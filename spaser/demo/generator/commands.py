"""Command-line handler of `spaser demo generate`."""

import time
from collections import Counter

from spaser.demo.generator.defects import DIRTY_KIND_NAMES, DIRTY_KINDS
from spaser.demo.generator.writer import GenerationSummary, generate


def run_generate(args) -> int:
    started = time.perf_counter()
    summary = generate(args.out, args.marches, args.seed, files=args.files, progress=not args.no_progress)
    for line in summary_lines(summary, time.perf_counter() - started):
        print(line)
    return 0


def _number(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _count(value: int, singular: str, plural: str) -> str:
    return f"{_number(value)} {singular if value < 2 else plural}"


def _decimal(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def summary_lines(summary: GenerationSummary, seconds: float) -> list[str]:
    marches, concessions = summary.marches, summary.concessions
    where = (
        str(summary.paths[0]) if len(summary.paths) == 1 else f"{len(summary.paths)} fichiers ({summary.paths[0]} …)"
    )
    lines = [
        f"{_count(marches.written, 'marché écrit', 'marchés écrits')} dans {where} "
        f"({_decimal(summary.bytes_written / 1e6)} Mo)",
        f"  dont {_number(marches.distinct)} distincts, {_number(marches.republications)} republications après "
        f"modification, {_number(marches.duplicates)} doublons exacts, {_number(marches.overlaps)} repris du fichier "
        f"précédent, {_number(marches.lots_sharing_id)} lots partageant l'identifiant d'un autre lot",
        f"{_count(concessions.written, 'contrat de concession', 'contrats de concession')} "
        f"({_number(concessions.distinct)} distincts)",
        f"{_number(summary.buyers)} acheteurs, {_number(summary.awardees)} entreprises titulaires possibles",
    ]
    dirty = marches.dirty_records + concessions.dirty_records
    share = 100 * dirty / max(1, marches.written + concessions.written)
    lines.append(
        f"{_count(dirty, 'enregistrement volontairement défectueux', 'enregistrements volontairement défectueux')} "
        f"({_decimal(share)} %)" + (" :" if dirty else "")
    )
    kinds = Counter(marches.dirty) + Counter(concessions.dirty)
    for kind in DIRTY_KIND_NAMES:
        if kinds[kind]:
            lines.append(f"  {DIRTY_KINDS[kind][0]} : {_number(kinds[kind])}")
    lines.append(f"Durée : {_decimal(seconds)} s")
    return lines
