"""The import contracts (web → domain → core) are checked by import-linter in `make quality` (pyproject.toml);
this test adds what a static analysis cannot see: importing the core's entry points loads no Django at run time."""

import subprocess
import sys


CORE_ENTRY_POINTS = (
    "spaser.cli",
    "spaser.decp.importer",
    "spaser.decp.download",
    "spaser.download",
    "spaser.terminal",
    "spaser.demo.commands",
    "spaser.decp.quality",
    "spaser.demo.generator",
    "spaser.demo.reference",
    "spaser.formatting",
    "spaser.indicators.engine",
    "spaser.reference.importer",
    "spaser.reference.download",
    "spaser.reference.commands",
    "spaser.analytics.files",
)


def test_the_data_core_loads_no_django():
    script = f"import sys, {', '.join(CORE_ENTRY_POINTS)}; print('django' in sys.modules)"

    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)

    assert result.stdout.strip() == "False"
