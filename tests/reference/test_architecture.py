import subprocess
import sys


def test_the_reference_loaders_never_import_django():
    script = (
        "import sys, spaser.cli, spaser.reference.importer, spaser.reference.download, spaser.reference.commands, "
        "spaser.analytics.files; print('django' in sys.modules)"
    )

    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)

    assert result.stdout.strip() == "False"


def test_every_kind_has_loaders():
    from spaser.reference import KIND_NAMES
    from spaser.reference.kinds import KINDS

    assert tuple(KINDS) == KIND_NAMES
    assert all(kind.layouts for kind in KINDS.values())
