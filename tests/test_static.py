"""Static checks as part of the test suite: ruff (defects), mypy (types of the package) and
import-linter (the one-way layering). Their settings live in pyproject.toml ([tool.ruff],
[tool.mypy], [tool.importlinter]); the tools are pinned in the dev extras and installed into .venv by
scripts/setup.sh. Each test runs the tool from the same environment as pytest and fails with the
tool's own report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(tool: str, *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    exe = BIN / tool
    if not exe.exists():
        pytest.fail(f"{exe} is missing: run scripts/setup.sh (it installs the dev extras, {tool} among them)")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # lint-imports imports the packages from the checkout
    return subprocess.run([str(exe), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def _report(p: subprocess.CompletedProcess) -> str:
    return f"exit {p.returncode}\n{p.stdout[-6000:]}\n{p.stderr[-3000:]}"


def test_ruff_finds_no_defects():
    p = _run("ruff", "check", "--no-cache", "--output-format", "concise", ".")
    assert p.returncode == 0, _report(p)


def test_imports_keep_the_layering():
    p = _run("lint-imports", "--no-cache")
    assert p.returncode == 0, _report(p)
    assert "0 broken" in p.stdout, _report(p)


@pytest.mark.slow
def test_mypy_passes_on_the_package():
    # no cache (os.devnull): a clean clone and a warm checkout are checked the same way
    p = _run("mypy", "--python-executable", sys.executable, "--cache-dir", os.devnull)
    assert p.returncode == 0, _report(p)
    assert "Success" in p.stdout, _report(p)
