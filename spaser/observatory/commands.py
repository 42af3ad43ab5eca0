"""`spaser observatory …`: the command line's handlers, output in French."""

from spaser.observatory.refresh import refresh
from spaser.observatory.store import database_path


def run_refresh(args) -> int:
    refresh(args.store)
    print(f"Observatoire recalculé dans {database_path(args.store)}.")
    return 0
