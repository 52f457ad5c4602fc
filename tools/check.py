"""The whole quality gate, as the README's test command runs it.

1. ruff (lint + format check) over every Python package;
2. mypy over the pure packages (form_definitions, renderers, i18n; settings in pyproject.toml);
3. the message catalogs: every UI string translated into Vietnamese and English;
4. the test suite on the embedded nx-27017 engine (or MONGODB_URI when set);
5. the same suite on mongomock, as a cross-check of query semantics.
"""

from __future__ import annotations

import os
import subprocess
import sys

PYTHON_PATHS = ["formplatform", "form_definitions", "renderers", "kiosk", "i18n", "tests", "tools", "bench", "run.py"]


def run(title: str, command: list[str], env: dict[str, str] | None = None) -> None:
    print(f"\n=== {title}: {' '.join(command)}", flush=True)
    result = subprocess.run(command, env={**os.environ, **(env or {})}, check=False)
    if result.returncode != 0:
        print(f"=== {title} FAILED (exit {result.returncode})", flush=True)
        sys.exit(result.returncode)


def main() -> None:
    paths = [p for p in PYTHON_PATHS if os.path.exists(p)]
    run("ruff check", [sys.executable, "-m", "ruff", "check", *paths])
    run("ruff format", [sys.executable, "-m", "ruff", "format", "--check", *paths])
    run("mypy", [sys.executable, "-m", "mypy"])  # the packages are listed in pyproject.toml
    run("translations", [sys.executable, "-m", "tools.i18n", "missing"])
    extra = sys.argv[1:]
    primary = "real MongoDB" if os.environ.get("MONGODB_URI") else "nx-27017"
    run(f"tests on {primary}", [sys.executable, "-m", "pytest", *extra])
    if not os.environ.get("MONGODB_URI"):
        run(
            "tests on mongomock",
            [sys.executable, "-m", "pytest", "-m", "not embedded_only", *extra],
            env={"FP_TEST_ENGINE": "mongomock"},
        )
    print("\nAll checks passed.")


if __name__ == "__main__":
    main()
