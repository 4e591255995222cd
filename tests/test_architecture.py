"""The layering of docs/architecture.md, read from the code itself (no import is executed):

    core ← participants ← rounds ← quizzes ← content ← leaderboard ← operations

An app imports only its own modules, the apps below it and libraries; `contest_site` (the
wiring) is imported by none. Imports inside functions count as much as those at the top. The
same goes for URL names an app's Python code reverses ("leaderboard:report",
"admin:content_announcement_change"): a string is a coupling too. Besides: no admin is
unregistered, each model's admin is registered once, a task is queued only by operations, and a
round's state is written only by rounds."""

import ast
import re
from pathlib import Path

import pytest
from django.contrib import admin

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("core", "participants", "rounds", "quizzes", "content", "leaderboard", "operations")
WIRING = "contest_site"
URL_CALLS = {"reverse", "reverse_lazy", "redirect", "resolve_url"}


def _layer(name: str) -> int | None:
    top = name.split(".")[0]
    return LAYERS.index(top) if top in LAYERS else None


def _python_files(app: str) -> list[Path]:
    return sorted(path for path in (ROOT / app).rglob("*.py") if "__pycache__" not in path.parts)


def _url_namespace_app(name: str) -> str | None:
    """The app a URL name belongs to: its namespace, or for the admin's, the model's app."""
    namespace, _sep, rest = name.partition(":")
    if namespace == "admin":
        return next((app for app in LAYERS if rest.startswith(f"{app}_")), None)
    return namespace if namespace in LAYERS else None


def violations(app: str, source: str, filename: str = "<source>") -> list[str]:
    """Every import of a higher layer or of the wiring, and every URL name of a higher layer
    given to reverse()/redirect(), in one module of `app`."""
    own = LAYERS.index(app)
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            layer = _layer(name)
            if name.split(".")[0] == WIRING or (layer is not None and layer > own):
                found.append(f"{filename}:{node.lineno} imports {name}")
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) in URL_CALLS
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            target = _url_namespace_app(node.args[0].value)
            if target is not None and LAYERS.index(target) > own:
                found.append(f"{filename}:{node.lineno} names the URL {node.args[0].value}")
    return found


@pytest.mark.parametrize("app", LAYERS)
def test_every_import_and_url_name_runs_down_the_layers(app):
    found = []
    for path in _python_files(app):
        found += violations(app, path.read_text(), str(path.relative_to(ROOT)))
    assert found == []


@pytest.mark.parametrize(
    ("app", "source"),
    [
        ("participants", "from rounds.models import Round"),
        ("core", "def f():\n    from participants import models"),
        ("rounds", "import leaderboard.ranking"),
        ("leaderboard", "from contest_site.celery import app"),
        ("participants", "redirect('operations:home')"),
        ("leaderboard", "reverse('admin:operations_x_change')"),
        ("quizzes", "from operations.tasks import rounds_rerank_queue"),
    ],
)
def test_the_check_catches_an_upward_import_or_url_name(app, source):
    assert violations(app, source)


@pytest.mark.parametrize(
    ("app", "source"),
    [
        ("operations", "from leaderboard.ranking import RANK_KEY_SQL\nfrom core import audit"),
        ("leaderboard", "from quizzes.models import Attempt\nreverse('leaderboard:report')"),
        ("participants", "from .models import User\nfrom django.db import models"),
        ("quizzes", "reverse('admin:rounds_round_change')"),
    ],
)
def test_the_check_lets_downward_and_own_imports_through(app, source):
    assert violations(app, source) == []


def _sources(*apps: str):
    for app in apps:
        for path in _python_files(app):
            yield path, path.read_text()


# Third-party admins replaced by ours because theirs show English (allauth's authenticators).
THIRD_PARTY_ADMINS_REPLACED = {"Authenticator"}


def test_no_admin_is_unregistered_and_each_model_is_registered_once():
    for path, source in _sources(*LAYERS, WIRING):
        unregistered = set(re.findall(r"admin\.site\.unregister\((\w+)\)", source))
        assert unregistered <= THIRD_PARTY_ADMINS_REPLACED, path
    registrations: dict[str, list[str]] = {}
    for path, source in _sources(*LAYERS):
        for model in re.findall(r"@admin\.register\((\w+)\)|admin\.site\.register\((\w+)", source):
            if (model[0] or model[1]) not in THIRD_PARTY_ADMINS_REPLACED:
                registrations.setdefault(model[0] or model[1], []).append(str(path))
    assert {m: paths for m, paths in registrations.items() if len(paths) > 1} == {}
    ours = [model for model in admin.site._registry if model._meta.app_label in LAYERS]
    assert {model.__name__ for model in ours} == set(registrations)


def test_only_operations_queues_tasks_and_a_rerank_is_queued_in_one_function():
    queued = re.compile(r"\.delay\(|\.apply_async\(|send_task\(|transaction\.on_commit\(")
    for path, source in _sources(*LAYERS[:-1]):
        assert not queued.search(source), path
    reranks = [
        (path.name, line)
        for path, source in _sources("operations")
        for line in source.splitlines()
        if "round_rank_task.delay" in line or "round_rank_task.apply_async" in line
    ]
    assert [name for name, _line in reranks] == ["tasks.py"]


def _round_state(node: ast.AST) -> bool:
    """`Round.State.X` (or `round.State.X`)."""
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "State"
        and isinstance(node.value.value, ast.Name)
        and node.value.value.id in ("Round", "round")
    )


def round_state_writes(source: str) -> list[int]:
    """Lines that set a round's state: `round.state = …`, `….state = Round.State.X`, or
    `update/create(state=Round.State.X)` (a `filter(state=…)` only reads)."""
    lines = []
    writers = ("update", "create", "get_or_create", "update_or_create")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign):
            lines += [
                node.lineno
                for target in node.targets
                if isinstance(target, ast.Attribute)
                and target.attr == "state"
                and (_round_state(node.value) or getattr(target.value, "id", "") == "round")
            ]
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", "") in writers
            and any(kw.arg == "state" and _round_state(kw.value) for kw in node.keywords)
        ):
            lines.append(node.lineno)
    return lines


def test_a_rounds_state_is_written_only_by_rounds():
    assert round_state_writes("round.state = Round.State.RANKED") == [1]
    assert round_state_writes("Round.objects.filter(pk=1).update(state=Round.State.OPEN)") == [1]
    assert round_state_writes("Round.objects.filter(state=Round.State.OPEN)") == []
    assert round_state_writes("attempt.state = Attempt.State.SUBMITTED") == []
    for path, source in _sources(*(app for app in LAYERS if app != "rounds")):
        assert round_state_writes(source) == [], path
    assert round_state_writes((ROOT / "rounds" / "services.py").read_text())
