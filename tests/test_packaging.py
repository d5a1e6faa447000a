"""Packaging: the wheel builds without warnings, installs into a clean venv, and the
README's quickstart runs there with nothing but the standard library (offline)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd", "nn", "viz")


def run(*args, cwd, env=None):
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def clean_env():
    # Nothing of this checkout on the path; byte-compiling on (its absence is a build warning).
    drop = {"PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "PYTHONHOME", "VIRTUAL_ENV"}
    return {k: v for k, v in os.environ.items() if k not in drop}


def quickstart() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quickstart", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(the venv's python, the wheel, the build output): built from a copy of the sources."""
    tmp = tmp_path_factory.mktemp("packaging")
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    for pkg in PACKAGES:
        shutil.copytree(ROOT / pkg, src / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    env = clean_env()
    build_log = run(sys.executable, "-m", "pip", "wheel", "-v", "--no-build-isolation",
                    "--no-deps", "--no-index", "--disable-pip-version-check", "-w", tmp / "dist",
                    src, cwd=tmp, env=env)
    (wheel,) = (tmp / "dist").glob("chainrule-*.whl")
    run(sys.executable, "-m", "venv", "--without-pip", tmp / "venv", cwd=tmp, env=env)
    python = tmp / "venv" / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
        "--disable-pip-version-check", wheel, cwd=tmp, env=env)
    return python, wheel, build_log, tmp, env


def test_wheel_builds_without_warnings(installed):
    log = installed[2]
    warnings = [line for line in log.splitlines() if re.search(r"warn|deprecat", line, re.I)]
    assert warnings == [], "the wheel build warned:\n" + "\n".join(warnings)


def test_wheel_holds_the_packages_their_types_and_the_license(installed):
    import zipfile

    names = set(zipfile.ZipFile(installed[1]).namelist())
    for pkg in PACKAGES:
        assert f"{pkg}/__init__.py" in names
        assert f"{pkg}/py.typed" in names, f"{pkg} ships no py.typed marker"
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), sorted(names)
    assert not any(n.startswith("tests/") or n.startswith("examples/") for n in names)
    static = {p.relative_to(ROOT).as_posix() for p in (ROOT / "viz" / "static").iterdir()
              if p.suffix in (".js", ".css")}
    assert static and static <= names, f"scripts missing from the wheel: {static - names}"


def test_the_installed_viz_reads_its_scripts(installed):
    python, _, _, tmp, env = installed
    code = "from viz import assets\nprint(len(assets.text('stepthrough.js')) > 1000)\n"
    assert run(python, "-c", code, cwd=tmp, env=env).splitlines() == ["True"]


def test_readme_quickstart_runs_in_the_clean_venv(installed):
    python, _, _, tmp, env = installed
    (tmp / "quickstart.txt").write_text(quickstart(), encoding="utf-8")
    out = run(python, "-m", "doctest", "-o", "ELLIPSIS", "-o", "NORMALIZE_WHITESPACE",
              tmp / "quickstart.txt", cwd=tmp, env=env)
    assert out == ""  # doctest prints only failures


def test_the_venv_imports_ours_and_tells_it_apart(installed):
    python, _, _, tmp, env = installed
    code = (
        "import importlib.metadata as md, autograd, nn, viz\n"
        "print(autograd.__distribution__, nn.__distribution__, viz.__distribution__)\n"
        "print(md.packages_distributions()['autograd'])\n"
        "print(md.metadata('chainrule')['License-Expression'])\n"
        "print(autograd.__file__.startswith(__import__('sys').prefix))\n"
    )
    out = run(python, "-c", code, cwd=tmp, env=env).splitlines()
    assert out == ["chainrule chainrule chainrule", "['chainrule']", "MIT", "True"]


def fake_namesake_wheel(folder: Path) -> Path:
    """A wheel of another distribution that also provides the import name ``autograd``."""
    import zipfile

    wheel = folder / "autograd-0.0.1-py3-none-any.whl"
    files = {
        "autograd/__init__.py": '"""Another project\'s autograd."""\n',
        "autograd-0.0.1.dist-info/METADATA": (
            "Metadata-Version: 2.1\nName: autograd\nVersion: 0.0.1\n"
        ),
        "autograd-0.0.1.dist-info/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    record = "".join(f"{name},,\n" for name in [*files, "autograd-0.0.1.dist-info/RECORD"])
    with zipfile.ZipFile(wheel, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
        z.writestr("autograd-0.0.1.dist-info/RECORD", record)
    return wheel


def test_installing_over_a_namesake_overwrites_it_and_the_readme_check_sees_it(installed):
    _, wheel, _, tmp, env = installed
    other = fake_namesake_wheel(tmp)
    run(sys.executable, "-m", "venv", "--without-pip", tmp / "clash", cwd=tmp, env=env)
    python = tmp / "clash" / "bin" / "python"
    for w in (other, wheel):  # pip installs the second over the first without a word
        run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
            "--disable-pip-version-check", w, cwd=tmp, env=env)
    code = (
        "import importlib.metadata as md, autograd\n"
        "print(getattr(autograd, '__distribution__', None))\n"
        "print(sorted(md.packages_distributions()['autograd']))\n"
    )
    out = run(python, "-c", code, cwd=tmp, env=env).splitlines()
    assert out == ["chainrule", "['autograd', 'chainrule']"]
