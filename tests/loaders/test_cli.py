"""The command line, as an operator runs it: `python -m loaders init --demo`, `stats --json`."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
STATS_KEYS = {"regions", "departements", "epci", "communes", "schools", "referents", "events", "ambassadors",
              "remediation_structures", "indicator_values"}


def run_cli(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items()
           if key not in {"REGION_CODE", "DEMO_SEED", "BUILD_DEMO_ON_START", "VIEWER_ROLE"}}
    env.update({"DATABASE_URL": database_url, "PYTHONPATH": str(PROJECT)})
    return subprocess.run([sys.executable, "-m", "loaders", *args], cwd=PROJECT, env=env, capture_output=True,
                          text=True, timeout=240)


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('cli')}/store.db"
    first = run_cli(url, "init", "--demo")
    return url, first


def test_init_with_demo_builds_the_store(cli_store):
    _, first = cli_store
    assert first.returncode == 0, first.stderr
    assert "Entrepôt mis à jour" in first.stdout
    assert "reference" in first.stdout and "demo" in first.stdout
    assert "Entrepôt prêt" in first.stderr, "progress is reported on stderr"


def test_stats_json(cli_store):
    url, _ = cli_store
    result = run_cli(url, "stats", "--json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert STATS_KEYS <= set(stats)
    assert all(isinstance(value, int) for value in stats.values())
    assert stats["regions"] == 1 and stats["departements"] == 5 and stats["referents"] == 6
    assert 3_700 <= stats["communes"] <= 3_850
    assert 400 <= stats["schools"] <= 440
    assert stats["events"] > 300 and stats["ambassadors"] > 100 and stats["remediation_structures"] > 10
    assert stats["indicator_values"] > 0


def test_second_init_changes_nothing(cli_store):
    url, _ = cli_store
    before = json.loads(run_cli(url, "stats", "--json").stdout)
    result = run_cli(url, "init", "--demo")
    assert result.returncode == 0, result.stderr
    assert "Entrepôt déjà à jour : rien à changer." in result.stdout
    assert json.loads(run_cli(url, "stats", "--json").stdout) == before


def test_unknown_region_exits_2_with_a_french_message(cli_store):
    url, _ = cli_store
    result = run_cli(url, "init", "--region", "99")
    assert result.returncode == 2
    assert "Erreur : Région « 99 » inconnue" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unreachable_store_exits_2_with_a_french_message_and_no_traceback():
    result = run_cli("postgresql+psycopg://postgres@127.0.0.1:1/absente", "stats")
    assert result.returncode == 2
    assert "Erreur : la commande s'est arrêtée sur une erreur inattendue" in result.stderr
    assert "Traceback" not in result.stderr
