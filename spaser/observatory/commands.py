"""`spaser observatory …`: the command line's handlers, output in French."""

from spaser.errors import SpaserError
from spaser.observatory import portable
from spaser.observatory.balances import BalancesError, load_balances
from spaser.observatory.refresh import refresh
from spaser.observatory.store import database_path


def run_refresh(args) -> int:
    refresh(args.store)
    print(f"Observatoire recalculé dans {database_path(args.store)}.")
    return 0


def run_balances(args) -> int:
    try:
        count = load_balances(args.file, args.store)
    except BalancesError as error:
        raise SpaserError(f"{error}\nRien n'a été importé.") from None
    print(f"Balances comptables importées : {count} acheteurs × exercices. Lancez « spaser observatory refresh ».")
    return 0


def run_export(args) -> int:
    counts = portable.export(args.store, args.out)
    for name, count in counts.items():
        print(f"{args.out / name}.parquet : {count} lignes")
    print(f"Requêtes Spark SQL : {', '.join(f'{args.out / table}.sql' for table in portable.TABLES)}")
    return 0
