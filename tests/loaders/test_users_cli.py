"""`python -m loaders users add/list/remove`, as an administrator runs it on the server."""

import pytest

from models.db import get_engine
from models.users import list_users
from tests.loaders.test_cli import run_cli


@pytest.fixture
def store(tmp_path) -> str:
    return f"sqlite:///{tmp_path}/store.db"


def test_a_user_is_added_listed_changed_and_removed(store):
    empty = run_cli(store, "users", "list")
    assert empty.returncode == 0, empty.stderr
    assert "Aucun utilisateur" in empty.stdout

    added = run_cli(store, "users", "add", "Camille.Exemple@Example.fr", "referent", "--departements", "62")
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == ("Utilisateur ajouté : camille.exemple@example.fr, "
                                    "profil Référent départemental (62).")

    changed = run_cli(store, "users", "add", "camille.exemple@example.fr", "referent", "--departements", "62,59")
    assert changed.returncode == 0, changed.stderr
    assert "Utilisateur mis à jour" in changed.stdout and "(62, 59)" in changed.stdout

    listed = run_cli(store, "users", "list")
    assert listed.returncode == 0, listed.stderr
    (line,) = listed.stdout.splitlines()
    assert line.startswith("camille.exemple@example.fr\tRéférent départemental (62, 59)\tajouté le ")
    assert "par ligne de commande (" in line

    removed = run_cli(store, "users", "remove", "CAMILLE.EXEMPLE@example.fr")
    assert removed.returncode == 0, removed.stderr
    assert "Utilisateur retiré : camille.exemple@example.fr" in removed.stdout
    assert list_users(get_engine(store)).empty


@pytest.mark.parametrize(("args", "message"), [
    (("add", "camille@example.fr", "stagiaire"), "Erreur : Profil inconnu : « stagiaire »"),
    (("add", "camille@example.fr", "referent"), "Erreur : Profil référent sans département"),
    (("add", "camille@example.fr", "codir", "--departements", "59"), "Seul le profil referent a des départements"),
    (("add", "camille", "direction"), "Erreur : Courriel « camille » invalide"),
    (("remove", "personne@example.fr"), "Erreur : aucun utilisateur n'a le courriel « personne@example.fr »"),
])
def test_a_refused_input_exits_1_with_a_french_message(store, args, message):
    result = run_cli(store, "users", *args)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert list_users(get_engine(store)).empty
