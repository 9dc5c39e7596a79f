"""Which package may import which: daigang's layers, checked on every import.

A package may import itself and the packages below it in LAYERS, never one above. As every
package has a place in the list, no two packages import each other and no cycle can form
through several. The source is read with ast (nothing is imported): module-level and
function-level imports, relative ones, and "daigang.x.y" strings (include(), add_router(),
sys.modules.get(), settings, …), in every module under daigang/ and config/ except tests.
Tests may import what they need.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Lowest first.
LAYERS: list[str] = [
    "core",  # env, phones, realtime publish, test server: imports no app
    "regions",  # China's administrative divisions (codes): imports only core
    "rules",  # content rules for every text a seeker reads: imports only core
    "accounts",
    "jobs",
    "live",
    "streaming",
    "hiring",
    "replays",  # replay pages (回放): chapters by job, apply from the card; listed by fairs
    "interviews",
    "contracts",
    "fairs",  # bureaus' job fairs, their schedules, numbers and reports
    "policies",  # bureaus' policy explainers (政策解读) and 宣策 rooms, drawn in live and fairs
    "courses",  # free skills courses, lessons, progress, certificates and their numbers
    "matchmaking",  # matchmakers' caseloads, follow-ups, recommendations, their numbers
    "privacy",  # export, deletion, retention: reads and anonymises every domain above
    "safety",  # reports (举报), moderators' decisions, takedowns, suspensions, appeals
    # A new app (regions, safety rules, fairs, matching, courses, …) takes its place in this
    # list: above every package it imports, below every package that imports it. When a lower
    # package must react to a higher one, the higher one hooks in from its AppConfig.ready()
    # (as streaming adds to daigang.live.lifecycle.room_end_hooks) instead of being imported.
    # the HR workspace: the member pages' one navigation and its home's numbers; links to and
    # reads from every domain above, drawn in their templates by its template tag
    "workspace",
    "demo",  # sample data: may import every app
    "config",  # settings, URLs, ASGI, the API assembly: may import everything
]

# Inside a package, the sub-packages that are layered too, lowest first. The package's own
# modules (models, notifications, urls, templatetags) sit beside them and are not constrained.
SUBLAYERS: dict[str, list[str]] = {
    # An application is created by apply and then moved through its stages by pipeline.
    "hiring": ["apply", "pipeline"],
}

_DOTTED = re.compile(r"(?:daigang|config)(?:\.[A-Za-z_]\w*)+")


@dataclass(frozen=True)
class Place:
    package: str
    sub: str | None = None

    def __str__(self) -> str:
        return self.package if self.sub is None else f"{self.package}.{self.sub}"


def layer_violations(root: Path) -> list[str]:
    """One line per import under `root` that goes against LAYERS or SUBLAYERS."""
    packages = {path.name for path in (root / "daigang").iterdir() if path.is_dir()}
    violations = []
    for path in _source_files(root):
        source = _place_of_file(path.relative_to(root))
        if source is None:
            continue
        for line, module in _imports(path, root):
            target = _place_of_module(module, packages)
            if target is None:
                continue
            rule = _broken_rule(source, target)
            if rule:
                violations.append(
                    f"{path.relative_to(root)}:{line}: {source} imports {module}: {rule}"
                )
    return violations


def _source_files(root: Path) -> Iterator[Path]:
    for top in ("daigang", "config"):
        for path in sorted((root / top).rglob("*.py")):
            relative = path.relative_to(root)
            if "tests" in relative.parts or path.name.startswith("test_"):
                continue
            if path.name == "conftest.py":
                continue
            yield path


def _place_of_file(relative: Path) -> Place | None:
    parts = relative.with_suffix("").parts
    if parts[0] == "config":
        return Place("config")
    if len(parts) < 3:  # daigang/__init__.py
        return None
    package = parts[1]
    sub = parts[2] if len(parts) > 3 and parts[2] in SUBLAYERS.get(package, ()) else None
    return Place(package, sub)


def _place_of_module(module: str, packages: set[str]) -> Place | None:
    parts = module.split(".")
    if parts[0] == "config":
        return Place("config")
    if parts[0] != "daigang" or len(parts) < 2 or parts[1] not in packages:
        return None
    package = parts[1]
    sub = parts[2] if len(parts) > 2 and parts[2] in SUBLAYERS.get(package, ()) else None
    return Place(package, sub)


def _imports(path: Path, root: Path) -> Iterator[tuple[int, str]]:
    """(line, dotted module) for every import and every "daigang.…" string in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, path.relative_to(root))
            for alias in node.names:
                # `from daigang.hiring import pipeline` imports the sub-package itself.
                yield node.lineno, base if alias.name == "*" else f"{base}.{alias.name}"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if _DOTTED.fullmatch(node.value):
                yield node.lineno, node.value


def _absolute(node: ast.ImportFrom, relative: Path) -> str:
    if not node.level:
        return node.module or ""
    package = list(relative.with_suffix("").parts[:-1])
    if relative.name == "__init__.py":
        package = list(relative.parent.parts)
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _broken_rule(source: Place, target: Place) -> str | None:
    if source.package != target.package:
        if source.package not in LAYERS or target.package not in LAYERS:
            unknown = source.package if source.package not in LAYERS else target.package
            return f"{unknown} has no place in LAYERS (tests/test_architecture.py)"
        if LAYERS.index(target.package) > LAYERS.index(source.package):
            below = LAYERS[: LAYERS.index(source.package)]
            return (
                f"{source.package} may import only itself and the packages below it"
                f" ({', '.join(below) or 'none'}); {target.package} is above it in LAYERS"
            )
        return None
    order = SUBLAYERS.get(source.package, [])
    if source.sub is None or target.sub is None or source.sub == target.sub:
        return None
    if order.index(target.sub) > order.index(source.sub):
        return (
            f"inside {source.package}, {source.sub} sits below {target.sub} in SUBLAYERS"
            f" and may not import it"
        )
    return None


def test_no_import_goes_against_the_layers():
    violations = layer_violations(REPO)

    assert not violations, (
        "Imports against the layers (LAYERS / SUBLAYERS in tests/test_architecture.py):\n"
        + "\n".join(violations)
    )


def test_every_app_has_its_place_in_the_layers():
    packages = {
        path.name
        for path in (REPO / "daigang").iterdir()
        if path.is_dir() and (path / "__init__.py").exists()
    }

    assert packages - set(LAYERS) == set(), "add them to LAYERS in tests/test_architecture.py"


def test_the_check_catches_function_level_relative_and_string_imports(tmp_path):
    # given a tree where live reaches up to streaming twice and apply up to pipeline once
    files = {
        "daigang/live/lifecycle.py": (
            "import sys\n"
            "from daigang.jobs.models import Job\n"
            "def close(room_id):\n"
            "    from daigang.streaming.relay import relay_room_close_soon\n"
            "    return sys.modules.get('daigang.streaming.relay')\n"
        ),
        "daigang/streaming/views.py": "from daigang.live import selectors\n",
        "daigang/hiring/apply/views.py": "from ..pipeline import selectors\n",
        "daigang/hiring/pipeline/views.py": "from daigang.hiring.apply import selectors\n",
        "daigang/hiring/urls.py": "from daigang.hiring.pipeline import urls\n",
        "daigang/live/tests/test_x.py": "from daigang.streaming import relay\n",
        "config/urls.py": "urls = ['daigang.contracts.urls']\n",
    }
    for name in ("core", "jobs", "live", "streaming", "contracts", "hiring/pipeline"):
        (tmp_path / "daigang" / name).mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)

    # when
    violations = layer_violations(tmp_path)

    # then
    assert [v.split(": ")[0] for v in violations] == [
        "daigang/hiring/apply/views.py:1",
        "daigang/live/lifecycle.py:4",
        "daigang/live/lifecycle.py:5",
    ]
    assert "streaming is above it in LAYERS" in violations[1]
    assert "apply sits below pipeline" in violations[0]
