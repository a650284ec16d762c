"""Users of sign-in mode: added, changed, listed and removed by e-mail, and refused in French when malformed."""

from datetime import UTC, datetime

import pandas as pd
import pytest
from sqlalchemy import update

from models.access import Viewer
from models.db import data_version, get_engine, transaction
from models.territory import Departement, Region
from models.users import AppUser, add_user, list_users, remove_user, viewer_for


@pytest.fixture
def engine(store_url):
    return get_engine(store_url)


def test_a_user_is_stored_by_lower_cased_email_with_who_added_them(engine):
    before = datetime.now(UTC)
    assert add_user(engine, "  Camille.Exemple@Example.FR ", "referent", "62, 59", created_by="admin@example.fr")
    (user,) = list_users(engine).itertuples()
    assert user.email == "camille.exemple@example.fr"
    assert (user.role, user.departements, user.created_by) == ("referent", "62,59", "admin@example.fr")
    assert user.created_at.tzinfo is not None and user.created_at >= before.replace(microsecond=0)
    assert user.updated_by == "" and pd.isna(user.updated_at)


def test_the_viewer_of_a_user_ignores_the_case_of_the_email(engine):
    add_user(engine, "camille@example.fr", "referent", "62")
    assert viewer_for(engine, "Camille@EXAMPLE.fr ") == Viewer("referent", ("62",))
    assert viewer_for(engine, "camille@example.fr").home_departement == "62"


def test_an_unknown_email_has_no_viewer(engine):
    add_user(engine, "camille@example.fr", "direction")
    assert viewer_for(engine, "dominique@example.fr") is None
    assert viewer_for(engine, "") is None


def test_adding_an_existing_email_changes_its_rights_and_keeps_when_it_was_added(engine):
    assert add_user(engine, "camille@example.fr", "referent", "62", created_by="premier")
    first = list_users(engine).iloc[0]
    assert not add_user(engine, "CAMILLE@example.fr", "codir", created_by="second")
    users = list_users(engine)
    assert len(users) == 1
    user = users.iloc[0]
    assert (user.role, user.departements) == ("codir", "")
    assert (user.created_at, user.created_by) == (first.created_at, "premier")
    assert user.updated_by == "second" and user.updated_at >= user.created_at
    assert viewer_for(engine, "camille@example.fr") == Viewer("codir")


def test_removing_a_user_takes_their_access_away(engine):
    add_user(engine, "camille@example.fr", "admin")
    add_user(engine, "dominique@example.fr", "direction")
    assert remove_user(engine, " Camille@Example.fr")
    assert viewer_for(engine, "camille@example.fr") is None
    assert list(list_users(engine).email) == ["dominique@example.fr"]
    assert not remove_user(engine, "camille@example.fr"), "nobody left to remove"


def test_users_are_listed_by_email(engine):
    for email in ("zoe@example.fr", "alix@example.fr", "marc@example.fr"):
        add_user(engine, email, "codir")
    assert list(list_users(engine).email) == ["alix@example.fr", "marc@example.fr", "zoe@example.fr"]


def test_an_empty_store_lists_no_user_with_the_same_columns(engine):
    users = list_users(engine)
    assert users.empty
    assert list(users.columns) == ["email", "role", "departements", "created_at", "created_by", "updated_at",
                                   "updated_by"]


def test_writes_go_through_a_transaction_that_moves_the_data_version(engine):
    version = data_version(engine)
    add_user(engine, "camille@example.fr", "direction")
    assert data_version(engine) == version + 1
    remove_user(engine, "camille@example.fr")
    assert data_version(engine) == version + 2


@pytest.mark.parametrize(("email", "role", "departements", "message"), [
    ("camille@example.fr", "stagiaire", "", "Profil inconnu : « stagiaire »"),
    ("camille@example.fr", "Direction", "", "Profil inconnu : « Direction »"),
    ("camille@example.fr", "referent", "", "Profil référent sans département"),
    ("camille@example.fr", "referent", "Nord", "Département « Nord » illisible"),
    ("camille@example.fr", "direction", "59", "Seul le profil referent a des départements"),
    ("camille", "direction", "", "Courriel « camille » invalide"),
    ("camille@example", "direction", "", "Courriel « camille@example » invalide"),
    ("camille @example.fr", "direction", "", "invalide"),
    ("camille@example.fr, dominique@example.fr", "direction", "", "invalide"),
    ("", "direction", "", "Courriel .* invalide"),
])
def test_a_malformed_user_is_refused_in_french_and_nothing_is_written(engine, email, role, departements, message):
    with pytest.raises(ValueError, match=message):
        add_user(engine, email, role, departements)
    assert list_users(engine).empty


def test_a_departement_the_store_does_not_have_is_refused(engine):
    with transaction(engine) as session:
        session.add(Region(region_code="32", name="Hauts-de-France"))
        session.flush()
        session.add_all([Departement(departement_code=code, name=code, region_code="32") for code in ("59", "62")])
    with pytest.raises(ValueError, match="Département inconnu de l'entrepôt : 06"):
        add_user(engine, "camille@example.fr", "referent", "62,6")
    assert add_user(engine, "camille@example.fr", "referent", "62,59")


def test_a_stored_role_that_no_longer_exists_denies_access(engine):
    add_user(engine, "camille@example.fr", "direction")
    with transaction(engine) as session:
        session.execute(update(AppUser).values(role="ancien"))
    with pytest.raises(ValueError, match="Profil inconnu"):
        viewer_for(engine, "camille@example.fr")
