"""The bench refuses a load run whose requests did not spread over the server's workers
(issue 18: keep-alive connections pinned to one gunicorn worker measured one core)."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench_run():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_an_even_spread_is_kept(bench_run):
    spread = bench_run.worker_spread({"101": 5_100, "102": 4_900}, workers=2)

    assert spread == {"requests_per_worker": [5_100, 4_900], "largest_share": 0.51, "ok": True}
    bench_run.spread_require("empty_before", spread, allow=False)


def test_seventy_percent_on_one_worker_is_the_limit(bench_run):
    assert bench_run.worker_spread({"1": 70, "2": 30}, workers=2)["ok"]
    assert not bench_run.worker_spread({"1": 71, "2": 29}, workers=2)["ok"]


@pytest.mark.parametrize(
    "counts",
    [{"101": 10_000}, {"101": 9_000, "102": 1_000}, {}],
    ids=["one worker served all", "90 % on one", "no response named its worker"],
)
def test_a_pinned_run_is_refused(bench_run, counts):
    spread = bench_run.worker_spread(counts, workers=2)

    assert not spread["ok"]
    with pytest.raises(SystemExit, match="one worker served"):
        bench_run.spread_require("answer_save", spread, allow=False)
    # --allow-pinned keeps the run (its figures then carry the share).
    bench_run.spread_require("answer_save", spread, allow=True)


def test_one_configured_worker_is_not_refused(bench_run):
    assert bench_run.worker_spread({"101": 100}, workers=1)["ok"]


def test_each_worker_opens_its_own_socket_by_default(monkeypatch):
    monkeypatch.delenv("GUNICORN_REUSE_PORT", raising=False)
    config: dict = {}
    exec((ROOT / "deploy" / "gunicorn.conf.py").read_text(), config)
    assert config["reuse_port"] is True

    monkeypatch.setenv("GUNICORN_REUSE_PORT", "false")
    exec((ROOT / "deploy" / "gunicorn.conf.py").read_text(), config)
    assert config["reuse_port"] is False
