"""Realistic synthetic DECP file in format 2022 (schema 2.0.3), at national scale.

`spaser demo generate` writes the envelope `{"marches":{"marche":[…],"contrat-concession":[…]}}` with one record
per line. Everything derives from one seed (the same arguments give the same bytes). Records are drawn by vectorised
batches and streamed to disk; only a bounded window of recent records is kept for the repetitions real files contain
(re-publications after a modification, exact duplicates, overlaps between consecutive daily files).

A small share of records is deliberately defective, reproducing the problems observed in the real data
(shared/research/decp-format.md §5): the importer and the quality report must survive them.

Modules, from the data up: `sampling` (vectorised draws, Luhn), `schema` (enumerations of the schema, calendar),
`vocabulary` (the word lists, départements, CPV catalogue of `data/*.json`), `population` (buyers and awardees),
`defects`, `marche_rows` (batches of marchés), `marches` and `concessions` (record factories), `writer` (streams,
files, `generate`), `commands` (the command-line handler).
"""

from spaser.demo.generator.defects import DIRTY_KIND_NAMES, DIRTY_KINDS, SIRET_DIRTY_KINDS
from spaser.demo.generator.sampling import luhn_valid
from spaser.demo.generator.vocabulary import DEPT_CODES, DEPT_REGIONS, DEPT_WEIGHTS
from spaser.demo.generator.writer import ArrayCounts, GenerationSummary, generate


__all__ = [
    "DEPT_CODES",
    "DEPT_REGIONS",
    "DEPT_WEIGHTS",
    "DIRTY_KINDS",
    "DIRTY_KIND_NAMES",
    "SIRET_DIRTY_KINDS",
    "ArrayCounts",
    "GenerationSummary",
    "generate",
    "luhn_valid",
]
