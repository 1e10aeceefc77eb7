"""The core stays framework-free: importing it loads neither Flask nor SQLAlchemy."""

import subprocess
import sys

SCRIPT = """
import importlib, pkgutil, sys
import deliberatie.core as core
for module in pkgutil.walk_packages(core.__path__, "deliberatie.core."):
    importlib.import_module(module.name)
import deliberatie.console
deliberatie.console.build_parser()
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug"))
print(",".join(loaded))
"""


def test_core_and_console_import_no_web_framework():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
