"""Rights enforced where data is read: a référent gets people of their own départements only, CODIR none.

Read on the session's demo store (Hauts-de-France): every query, export and label a page could reach.
"""

import re

import pandas as pd
import pytest

from loaders.imports import export_rows
from models.access import Viewer
from models.db import get_engine
from models.disclosure import HIDDEN, SECONDARY_LABEL, suppress_small_counts
from models.queries import (
    PERSONAL_COLUMNS,
    read_ambassador_counts,
    read_ambassadors,
    read_communes,
    read_referents,
    read_zoning_members,
)

YEAR = "2025-2026"
DIRECTION, CODIR = Viewer("direction"), Viewer("codir")
REFERENT_62 = Viewer("referent", ("62",))


@pytest.fixture(scope="module")
def engine(demo_store_url):
    return get_engine(demo_store_url)


@pytest.fixture(scope="module")
def departement_of(engine):
    return read_communes(engine, "32").set_index("commune_code").departement_code


def test_direction_reads_every_ambassador_with_contacts(engine, departement_of):
    frame = read_ambassadors(engine, DIRECTION, "32", None, YEAR)
    assert set(frame.commune_code.map(departement_of)) == {"02", "59", "60", "62", "80"}
    assert frame.email.notna().all()


def test_a_referent_reads_only_the_ambassadors_of_their_departements(engine, departement_of):
    frame = read_ambassadors(engine, REFERENT_62, "32", None, YEAR)
    assert len(frame) > 10
    assert set(frame.commune_code.map(departement_of)) == {"62"}
    assert frame.email.notna().all()
    # Asking for another département by its filter (sidebar, URL) gives nobody.
    assert read_ambassadors(engine, REFERENT_62, "32", "59", YEAR).empty


def test_codir_reads_no_ambassador_at_all(engine):
    frame = read_ambassadors(engine, CODIR, "32", None, YEAR)
    assert frame.empty
    assert not set(PERSONAL_COLUMNS) & set(frame.columns)


def test_counts_are_the_same_for_everyone_but_small_ones_are_hidden_from_codir(engine):
    exact = read_ambassador_counts(engine, DIRECTION, "32", None, YEAR, "sector")
    hidden = read_ambassador_counts(engine, CODIR, "32", None, YEAR, "sector")
    assert exact.ambassadors_count.sum() == len(read_ambassadors(engine, DIRECTION, "32", None, YEAR))
    small = exact.ambassadors_count < 5
    assert hidden.loc[~small & hidden.ambassadors_count.notna(), "ambassadors_count"].tolist() == \
        exact.loc[~small & hidden.ambassadors_count.notna(), "ambassadors_count"].tolist()
    assert hidden.loc[small, "ambassadors_count"].isna().all()
    assert (hidden.loc[small, "ambassadors_count" + HIDDEN] == "< 5").all()
    by_commune = read_ambassador_counts(engine, CODIR, "32", "62", YEAR, "commune_code")
    assert by_commune.ambassadors_count.dropna().min() >= 5
    assert (by_commune["ambassadors_count" + HIDDEN] == "< 5").sum() > 10


def test_a_referent_sees_the_names_of_the_referents_of_their_departements_only(engine):
    frame = read_referents(engine, REFERENT_62, "32")
    own = frame.groupby("id").departement_code.agg(lambda codes: "62" in set(codes))
    named = frame.groupby("id").full_name.agg(lambda names: names.notna().all())
    assert (own == named).all() and own.any() and not own.all()
    assert frame.loc[~frame.id.isin(own[own].index), ["email", "phone"]].isna().all().all()


def test_codir_reads_referents_by_sector_only(engine):
    frame = read_referents(engine, CODIR, "32")
    assert not set(PERSONAL_COLUMNS) & set(frame.columns)
    assert frame.sector_label.str.fullmatch(r"Secteur \d \((Aisne|Nord|Oise|Pas-de-Calais|Somme)\)").all()
    assert "Secteur 2 (Nord)" in set(frame.sector_label)


def test_zonings_carry_no_person_name(engine):
    names = set(read_referents(engine, DIRECTION, "32").full_name)
    zonings = read_zoning_members(engine, "32").drop_duplicates("zoning_code")
    assert not zonings.name.map(lambda name: any(person in name for person in names)).any()
    assert zonings.name.str.fullmatch(r"Secteur \d \(.+\)").all()


def test_exports_follow_the_same_rights(engine, departement_of):
    everyone = export_rows(engine, DIRECTION, "ambassadors", "32")
    own = export_rows(engine, REFERENT_62, "ambassadors", "32")
    assert 0 < len(own) < len(everyone)
    assert set(own["Commune"].map(departement_of)) == {"62"}
    referents = export_rows(engine, REFERENT_62, "referents", "32")
    assert referents["Départements"].str.contains("62").all()
    assert len(referents) < len(export_rows(engine, DIRECTION, "referents", "32"))
    with pytest.raises(PermissionError, match="données personnelles"):
        export_rows(engine, CODIR, "ambassadors", "32")


@pytest.mark.parametrize(("counts", "expected"), [
    ([0, 3, 12, 40], [0, "< 5", SECONDARY_LABEL, 40]),  # one hidden cell: the smallest other one goes too
    ([0, 3, 2, 40], [0, "< 5", "< 5", 40]),  # two hidden cells: their sum alone is known
    ([6, 7, 40], [6, 7, 40]),
    ([4], ["< 5"]),  # a single row is its own total: nothing to add
])
def test_small_counts_of_people_are_hidden_with_secondary_suppression(counts, expected):
    frame = suppress_small_counts(pd.DataFrame({"ambassadors_count": counts, "ambassadors_per_10k": counts}), 5)
    labels = frame["ambassadors_count" + HIDDEN]
    shown = [label if isinstance(label, str) else int(value) for value, label in zip(frame.ambassadors_count, labels)]
    assert shown == expected
    assert frame.ambassadors_per_10k.isna().tolist() == [isinstance(e, str) for e in expected]


def test_counts_that_are_not_people_stay_exact():
    frame = suppress_small_counts(pd.DataFrame({"events_count": [1, 2], "remediation_capacity_count": [3, 4]}), 5)
    assert frame.to_dict("list") == {"events_count": [1, 2], "remediation_capacity_count": [3, 4]}
    assert not re.search(HIDDEN, " ".join(frame.columns))
