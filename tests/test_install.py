"""A non-editable install works anywhere: ``pip install .`` into a fresh virtual environment (as
pipx does), then, from a folder far from the repository, `gradlab check` finds and passes the
lessons shipped inside the package, the MNIST subset loads from the package's resources, and
`gradlab --version` prints the one version. About 20 s with pip's cache warm."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import gradlab

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_pip_install_dot_runs_with_the_bundled_lessons(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python, gradlab_command = venv / "bin" / "python", venv / "bin" / "gradlab"
    env = {k: v for k, v in os.environ.items() if k not in ("GRADLAB_LESSONS", "PYTHONPATH")}
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, str(ROOT)], check=True, env=env, cwd=tmp_path)

    def run(*argv: str) -> str:
        done = subprocess.run(
            argv, capture_output=True, text=True, env=env, cwd=tmp_path, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    assert run(str(gradlab_command), "--version") == f"gradlab {gradlab.__version__}\n"
    report = run(str(gradlab_command), "check").splitlines()
    shipped = sorted(path.name for path in (ROOT / "lessons").glob("*.toml"))
    assert report[-1] == f"{len(shipped)} of {len(shipped)} lessons ok"
    site = (
        venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    )
    bundled = site / "gradlab" / "_bundled" / "lessons"
    assert [line.removeprefix("ok    ") for line in report[:-1]] == [
        str(bundled / name) for name in shipped
    ]
    where = run(
        str(python),
        "-c",
        "from gradlab.data import load_mnist; from gradlab.lessons import resource_roots;"
        "print(len(load_mnist().x_train)); print(resource_roots('x/y.toml')[1])",
    ).split()
    assert int(where[0]) > 1000
    assert where[1] == str(site / "gradlab" / "_bundled" / "resources")
