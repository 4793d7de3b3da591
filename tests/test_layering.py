"""The architecture's one-way dependencies, checked on the source (see "Architecture" in the
design notes):

- the shared building blocks in `engagierte_stadt` import no app; only the URLconf, the
  site-wide views and the demo loaders compose the apps;
- `quartiere` imports neither `konferenzen` nor `partner` nor `ideen` (they add to its pages
  through `quartiere.sections`), and those two import each other neither; `ideen` sits on
  top (an idea goes onto a conference's agenda), so neither of them imports it;
- views hold no read helpers of their own (reads are QuerySet methods or services);
- templates ask the models' status questions and render description-list rows through the
  shared component.

Imports are read with `ast`, so an import inside a function counts as well.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("quartiere", "konferenzen", "partner", "ideen")

# The modules of engagierte_stadt that may import the apps, because composing them is their job.
COMPOSERS = {
    "engagierte_stadt/urls.py",
    "engagierte_stadt/views.py",  # home page: featured projects
    "engagierte_stadt/demo.py",
    "engagierte_stadt/management/commands/load_demo.py",
    "engagierte_stadt/management/commands/start_city.py",  # a new town's Stadtteile
}

# Shared building blocks named in the design; listed so that a rename cannot skip them.
SHARED = [
    "engagierte_stadt/submissions/__init__.py",
    "engagierte_stadt/submissions/capacity.py",
    "engagierte_stadt/submissions/submission.py",
    "engagierte_stadt/submissions/views.py",
    "engagierte_stadt/urlwords.py",
    "engagierte_stadt/ical.py",
    "engagierte_stadt/viewmixins.py",
    "engagierte_stadt/admin_scope.py",
    "engagierte_stadt/dashboard.py",
    "engagierte_stadt/templatetags/dashboard_tags.py",
    "engagierte_stadt/roles.py",
    "engagierte_stadt/templatetags/component_tags.py",
    "engagierte_stadt/pagecache.py",
]


def python_files(package: str) -> list[Path]:
    return sorted(path for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts)


def rel(path: Path, root: Path | None = None) -> str:
    return path.relative_to(root or ROOT).as_posix()


def imported_modules(path: Path, root: Path | None = None) -> set[str]:
    """Every module the file imports (relative imports resolved), anywhere in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = Path(rel(path, root)).with_suffix("").parts[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def imported_apps(path: Path, root: Path | None = None) -> set[str]:
    return {module.split(".")[0] for module in imported_modules(path, root)} & set(APPS)


def test_the_import_reader_sees_absolute_relative_and_nested_imports(tmp_path):
    # The check itself must be able to fail: a planted file with each kind of import.
    package = tmp_path / "engagierte_stadt" / "shared"
    package.mkdir(parents=True)
    planted = package / "planted.py"
    planted.write_text(
        "import partner.models\n"
        "from . import helpers\n"
        "def later():\n"
        "    from konferenzen.models import Meeting\n"
        "    from quartiere import sections\n"
    )
    assert imported_apps(planted, tmp_path) == {"partner", "konferenzen", "quartiere"}
    assert "engagierte_stadt.shared.helpers" in imported_modules(planted, tmp_path)


@pytest.mark.parametrize("name", SHARED)
def test_named_shared_building_block_imports_no_app(name):
    path = ROOT / name
    assert path.exists(), f"{name} moved: update the list of shared building blocks"
    assert not imported_apps(path), f"{name} imports {sorted(imported_apps(path))}"


def test_only_the_composers_in_engagierte_stadt_import_an_app():
    offenders = {
        rel(path): sorted(imported_apps(path))
        for path in python_files("engagierte_stadt")
        if rel(path) not in COMPOSERS and imported_apps(path)
    }
    assert not offenders, f"shared building blocks importing an app: {offenders}"


def test_quartiere_imports_neither_konferenzen_nor_partner():
    offenders = {
        rel(path): sorted(imported_apps(path) - {"quartiere"})
        for path in python_files("quartiere")
        if imported_apps(path) - {"quartiere"}
    }
    assert not offenders, f"quartiere must not import the apps above it: {offenders}"


@pytest.mark.parametrize(("app", "other"), [("konferenzen", "partner"), ("partner", "konferenzen")])
def test_konferenzen_and_partner_do_not_import_each_other(app, other):
    offenders = [rel(path) for path in python_files(app) if other in imported_apps(path)]
    assert not offenders, f"{app} imports {other} in {offenders}"


@pytest.mark.parametrize("app", ["konferenzen", "partner"])
def test_ideen_sits_on_top(app):
    offenders = [rel(path) for path in python_files(app) if "ideen" in imported_apps(path)]
    assert not offenders, f"{app} imports ideen in {offenders}"


def test_views_define_no_module_level_read_helpers():
    """A function at module level in a views module that reads the database belongs on a
    QuerySet or in a service next to its data."""
    offenders = []
    for path in sorted(ROOT.glob("*/*views.py")) + sorted(ROOT.glob("*/*/views.py")):
        if ".venv" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and any(
                isinstance(inner, ast.Attribute) and inner.attr == "objects"
                for inner in ast.walk(node)
            ):
                offenders.append(f"{rel(path)}:{node.name}")
    assert not offenders, offenders


TEMPLATES = sorted((ROOT / "templates").rglob("*.html")) + sorted(
    (ROOT / "templates").rglob("*.txt")
)
RAW_STATUS = re.compile(r"\.status\s*(==|!=|in\b)")


def test_templates_ask_status_questions_instead_of_comparing_values():
    offenders = [rel(path) for path in TEMPLATES if RAW_STATUS.search(path.read_text())]
    assert not offenders, f"compare .status in the model, not in: {offenders}"


# The row itself, and the contact component (one component already, with its own rows).
ROW_OWNERS = {"templates/components/description_item.html", "templates/components/contact.html"}


def test_description_list_rows_come_from_the_component():
    row = 'class="kern-description-list-item"'
    offenders = [
        rel(path) for path in TEMPLATES if row in path.read_text() and rel(path) not in ROW_OWNERS
    ]
    assert not offenders, f"use components/description_item.html in: {offenders}"
