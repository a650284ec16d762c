"""Who sees what: roles are checked once, personal columns are dropped where data is read."""

import dataclasses

import pytest

from models.access import ROLES, Viewer
from models.queries import PERSONAL_COLUMNS, _forget_personal
from tests.fixtures import tiny_ambassadors, tiny_referents


def test_unknown_role_is_refused_in_french():
    with pytest.raises(ValueError, match="Profil inconnu : « admin »") as error:
        Viewer("admin")
    assert "direction, referent, codir" in str(error.value)


def test_known_roles_are_accepted():
    assert [Viewer(role).role for role in ROLES] == ["direction", "referent", "codir"]


def test_viewer_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Viewer("codir").role = "direction"


@pytest.mark.parametrize(("role", "contacts", "people"), [
    ("direction", True, True),
    ("referent", True, True),
    ("codir", False, False),
])
def test_what_each_role_may_see(role, contacts, people):
    viewer = Viewer(role)
    assert (viewer.can_see_contacts, viewer.can_see_people) == (contacts, people)


def test_codir_reads_no_name_and_no_contact():
    frame = _forget_personal(tiny_referents(), Viewer("codir"))
    assert not set(PERSONAL_COLUMNS) & set(frame.columns)
    assert list(frame.columns) == ["id", "fte", "departement_code", "epci_code"]
    assert len(frame) == 3


@pytest.mark.parametrize("role", ["direction", "referent"])
def test_direction_and_referents_keep_names_and_contacts(role):
    frame = _forget_personal(tiny_ambassadors(), Viewer(role))
    assert list(frame.columns) == list(tiny_ambassadors().columns)
    assert frame.email.iloc[0] == "alice.martin@example.test"


def test_forget_personal_ignores_frames_without_personal_columns():
    frame = tiny_referents()[["id", "fte"]]
    assert list(_forget_personal(frame, Viewer("codir")).columns) == ["id", "fte"]


def test_forget_personal_does_not_touch_the_frame_it_is_given():
    frame = tiny_referents()
    _forget_personal(frame, Viewer("codir"))
    assert "email" in frame.columns
