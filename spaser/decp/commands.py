"""Command-line handlers of `spaser decp import` and `spaser decp quality`."""

import orjson

from spaser.decp.importer import import_files


def run_import(args) -> int:
    report = import_files(args.files, args.store)
    if args.report_json:
        args.report_json.write_bytes(orjson.dumps(report.as_dict(), option=orjson.OPT_INDENT_2))
    print(report.as_dict())
    return 0


def run_quality(args) -> int:
    return 0
