import ast
import subprocess
import sys
from pathlib import Path


def test_the_data_core_never_imports_django():
    script = (
        "import sys, spaser.cli, spaser.decp.importer, spaser.decp.download, spaser.decp.quality, "
        "spaser.demo.generator, spaser.demo.reference, spaser.formatting; print('django' in sys.modules)"
    )

    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)

    assert result.stdout.strip() == "False"


def _imported_modules(package: str) -> set[str]:
    root = Path(__file__).resolve().parents[1] / package.replace(".", "/")
    module, modules = root.with_suffix(".py"), set()
    for path in [module] if module.exists() else root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules.add(node.module)
            elif isinstance(node, ast.Import):
                modules.update(alias.name for alias in node.names)
    return modules


def test_domain_apps_never_import_the_web_layer():
    for package in ("spaser.organisations", "spaser.plans"):
        assert not {m for m in _imported_modules(package) if m.startswith("spaser.www")}, package


def test_the_data_core_never_imports_the_platform():
    core = (
        "spaser.decp",
        "spaser.analytics",
        "spaser.indicators",
        "spaser.reference",
        "spaser.demo",
        "spaser.formatting",
    )
    for package in core:
        imported = _imported_modules(package)
        assert imported, package
        assert not {m for m in imported if m.split(".")[0] == "django" or m.startswith(("spaser.plans", "spaser.www"))}
