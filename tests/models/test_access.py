"""Who sees what: roles are checked once, personal columns are dropped where data is read."""

import dataclasses

import pytest

from models.access import ROLES, Viewer, local_viewer
from models.queries import PERSONAL_COLUMNS, _forget_personal
from tests.fixtures import tiny_ambassadors, tiny_referents


def test_unknown_role_is_refused_in_french():
    with pytest.raises(ValueError, match="Profil inconnu : « stagiaire »") as error:
        Viewer("stagiaire")
    assert "direction, referent, codir, admin" in str(error.value)


def test_known_roles_are_accepted():
    assert [Viewer(role, ("59",)).role for role in ROLES] == ["direction", "referent", "codir", "admin"]


def test_a_referent_without_departement_is_refused_in_french():
    with pytest.raises(ValueError, match="Profil référent sans département"):
        Viewer("referent")


@pytest.mark.parametrize(("text", "codes"), [("59", ("59",)), ("59,62", ("59", "62")), (" 2 ; 80 ", ("02", "80")),
                                             ("62, 62", ("62",)), ("2a", ("2A",))])
def test_local_mode_reads_the_departements_of_the_settings(text, codes):
    viewer = local_viewer("referent", text)
    assert viewer.departement_codes == codes
    assert viewer.home_departement == codes[0]
    assert viewer.label == f"Référent départemental ({', '.join(codes)})"


def test_local_mode_refuses_a_malformed_departement():
    with pytest.raises(ValueError, match="Département « Nord » illisible dans VIEWER_DEPARTEMENTS"):
        local_viewer("referent", "Nord")


@pytest.mark.parametrize("role", ["direction", "codir", "admin"])
def test_other_profiles_open_on_the_whole_region(role):
    viewer = local_viewer(role, "59")
    assert viewer.home_departement is None
    assert viewer.label == ROLES[role]


def test_viewer_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Viewer("codir").role = "direction"


@pytest.mark.parametrize(("role", "detail", "in_59", "in_62", "region", "hides", "imports"), [
    ("direction", None, True, True, True, False, False),
    ("admin", None, True, True, True, False, True),
    ("referent", ("59",), True, False, False, False, False),
    ("codir", (), False, False, False, True, False),
])
def test_what_each_role_may_see(role, detail, in_59, in_62, region, hides, imports):
    viewer = Viewer(role, ("59",) if role == "referent" else ())
    assert viewer.detail_departements == detail
    assert (viewer.sees_detail_in("59"), viewer.sees_detail_in("62"), viewer.sees_detail_in(None)) == (
        in_59, in_62, region)
    assert viewer.suppresses_small_counts is hides
    assert viewer.can_import is viewer.can_manage is imports
    assert viewer.can_see_people is viewer.can_see_contacts is (role != "codir")


def test_codir_reads_no_name_and_no_contact():
    frame = _forget_personal(tiny_referents(), Viewer("codir"))
    assert not set(PERSONAL_COLUMNS) & set(frame.columns)
    assert list(frame.columns) == ["id", "fte", "departement_code", "epci_code"]
    assert len(frame) == 3


@pytest.mark.parametrize("role", ["direction", "referent"])
def test_direction_and_referents_keep_names_and_contacts(role):
    frame = _forget_personal(tiny_ambassadors(), Viewer(role, ("59",)))
    assert list(frame.columns) == list(tiny_ambassadors().columns)
    assert frame.email.iloc[0] == "alice.martin@example.test"


def test_forget_personal_ignores_frames_without_personal_columns():
    frame = tiny_referents()[["id", "fte"]]
    assert list(_forget_personal(frame, Viewer("codir")).columns) == ["id", "fte"]


def test_forget_personal_does_not_touch_the_frame_it_is_given():
    frame = tiny_referents()
    _forget_personal(frame, Viewer("codir"))
    assert "email" in frame.columns
