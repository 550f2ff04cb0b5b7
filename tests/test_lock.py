"""The lock file pins every dependency pyproject.toml names, each with its hashes."""

import re
import tomllib

from tests.conftest import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[\\[<>=!~; ]", requirement.strip(), maxsplit=1)[0].lower()


def test_every_dependency_is_pinned_with_hashes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {
        _name(r).replace("_", "-")
        for r in [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    }
    text = (ROOT / "requirements.lock").read_text()
    pinned = {}
    for block in re.split(r"\n(?=\S)", text.strip()):
        head = block.split()[0]
        name, _, version = head.partition("==")
        pinned[name.lower().replace("_", "-")] = (
            version,
            block.count("--hash=sha256:"),
        )
    missing = sorted(wanted - set(pinned))
    assert missing == [], f"not in the lock (run make lock): {missing}"
    assert all(v and n >= 1 for v, n in pinned.values())
