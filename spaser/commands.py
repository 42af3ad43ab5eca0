"""Command-line handler of the top-level module `spaser/tables.py`: `spaser table-schemas`."""

from spaser.formatting import count
from spaser.tables import schema_files, write_schemas


def run_table_schemas(args) -> int:
    write_schemas(args.out)
    print(f"Schémas de table écrits dans {args.out} : {count(len(schema_files()), 'fichier')}.")
    return 0
