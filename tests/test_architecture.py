import subprocess
import sys


def test_the_data_core_never_imports_django():
    script = (
        "import sys, spaser.cli, spaser.decp.importer, spaser.decp.download, spaser.decp.quality, "
        "spaser.demo.generator; print('django' in sys.modules)"
    )

    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)

    assert result.stdout.strip() == "False"
