"""requirements.lock, what `make test` and `make run` install: every dependency of pyproject.toml pinned
to one exact version that pyproject.toml allows (else: `make lock`)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)", re.MULTILINE)


def locked() -> dict[str, str]:
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    return {canonicalize_name(name): version for name, version in _PIN.findall(text)}


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(d) for d in [*project["dependencies"], *project["optional-dependencies"]["dev"]]]


def test_every_dependency_is_locked_to_a_version_pyproject_allows():
    pins = locked()
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in requirements.lock: run make lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements.lock pins {requirement.name}=={pins[name]}, pyproject.toml asks {requirement}:"
            " run make lock"
        )


def test_the_lock_pins_every_package_exactly_including_the_installers():
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    requirements = [line for line in text.splitlines() if line and not line.startswith((" ", "#"))]
    assert requirements and all(_PIN.match(line) for line in requirements), requirements
    assert {"pip", "setuptools", "flask", "pdfminer-six"} <= set(locked())
