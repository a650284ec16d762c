"""Demo data: deterministic, fictitious, flagged, and shaped like the real thing (thin where it is rural)."""

import os
import re
import unicodedata
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select
from sqlmodel import Session

from loaders.demo import FIRST_NAMES, LAST_NAMES, REMEDIATION_KINDS, generate_demo
from loaders.demo import INDICATORS as DEMO_INDICATORS
from models.db import get_engine
from models.indicators import Indicator, IndicatorValue
from models.resources import (
    Ambassador,
    CapacitySnapshot,
    Event,
    Mobilisation,
    Referent,
    ReferentArea,
    RemediationStructure,
    School,
    fold_key,
)
from models.schoolyear import school_year_label
from models.territory import Commune, Epci, Zoning, ZoningCommune

SEED = 20261125
TODAY = date(2026, 11, 25)
SEEDS_DIR = Path(os.environ.get("MAILLAGE_SEEDS_DIR", "/work/shared/seeds"))


def read(url: str, statement) -> pd.DataFrame:
    with Session(get_engine(url)) as session:
        result = session.execute(statement)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


@pytest.fixture(scope="module")
def inputs(demo_store_url):
    """What load_demo reads from the store before generating."""
    communes = read(demo_store_url, select(Commune.commune_code, Commune.name, Commune.departement_code,
                                           Commune.epci_code, Commune.population_count, Commune.latitude,
                                           Commune.longitude).where(Commune.region_code == "32"))
    epci = read(demo_store_url, select(Epci.epci_code, Epci.departement_code, Epci.population_count)
                .where(Epci.region_code == "32"))
    schools = read(demo_store_url, select(School.uai, School.commune_code, School.departement_code,
                                          School.latitude, School.longitude).where(School.region_code == "32"))
    return communes, epci, schools


@pytest.fixture(scope="module")
def demo(inputs):
    return generate_demo(*inputs, "32", SEED, TODAY)


@pytest.fixture(scope="module")
def events(demo_store_url):
    frame = read(demo_store_url, select(*Event.__table__.c))
    return frame.assign(school_year=frame.start_date.map(school_year_label))


@pytest.fixture(scope="module")
def communes(inputs):
    return inputs[0]


FRAMES = ["referents", "referent_areas", "zonings", "zoning_communes", "events", "ambassadors", "mobilisations",
          "structures", "snapshots", "indicator_values"]


# Determinism.

def test_same_seed_same_data(inputs, demo):
    again = generate_demo(*inputs, "32", SEED, TODAY)
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(again, name), getattr(demo, name), obj=name)


def test_other_seed_other_data(inputs, demo):
    other = generate_demo(*inputs, "32", SEED + 1, TODAY)
    assert not other.events.equals(demo.events)
    assert other.ambassadors.full_name.tolist() != demo.ambassadors.full_name.tolist()
    assert other.referents.full_name.tolist() != demo.referents.full_name.tolist()


def test_store_holds_what_the_generator_gives(demo_store_url, demo):
    stored = read(demo_store_url, select(Referent.full_name).order_by(Referent.id))
    assert stored.full_name.tolist() == demo.referents.full_name.tolist()
    stored_events = read(demo_store_url, select(Event.id, Event.start_date, Event.commune_code).order_by(Event.id))
    generated = demo.events.sort_values("id")[["id", "start_date", "commune_code"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(stored_events, generated, check_dtype=False)


# Référents.

def test_six_referents_two_for_the_nord(demo_store_url):
    referents = read(demo_store_url, select(Referent.id, Referent.full_name, Referent.email, Referent.fte))
    areas = read(demo_store_url, select(ReferentArea.referent_id, ReferentArea.departement_code,
                                        ReferentArea.epci_code))
    assert len(referents) == 6
    assert referents.email.str.endswith("@demo.maillage.invalid").all()
    by_departement = areas.groupby("departement_code").referent_id.nunique().to_dict()
    assert by_departement == {"02": 1, "59": 2, "60": 1, "62": 1, "80": 1}
    others = areas[areas.departement_code != "59"]
    assert others.epci_code.isna().all(), "one référent covers the whole département"
    assert set(areas.referent_id) == set(referents.id)


def test_nord_is_split_by_epci_without_gap_or_overlap(demo_store_url, communes):
    areas = read(demo_store_url, select(ReferentArea.referent_id, ReferentArea.departement_code,
                                        ReferentArea.epci_code))
    nord = areas[areas.departement_code == "59"]
    assert nord.epci_code.notna().all()
    assert nord.epci_code.is_unique, "no EPCI covered twice"
    nord_epci = set(communes[communes.departement_code == "59"].epci_code.dropna())
    assert set(nord.epci_code) == nord_epci, "every EPCI with communes in the Nord is covered"
    sizes = nord.groupby("referent_id").size()
    assert len(sizes) == 2 and (sizes >= 2).all()


def test_referent_sectors_cover_every_commune_once(demo_store_url, communes):
    zonings = read(demo_store_url, select(Zoning.id, Zoning.zoning_kind, Zoning.is_demo))
    members = read(demo_store_url, select(ZoningCommune.zoning_id, ZoningCommune.commune_code))
    assert len(zonings) == 6 and zonings.is_demo.all()
    assert members.commune_code.is_unique
    assert set(members.commune_code) == set(communes.commune_code)


# Fictitious names.

def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return re.sub(r"\s+", " ", text)


def seed_person_names() -> set[str]:
    """« Prénom NOM » and « Prénom Nom » pairs found in the source documents (lower case, no accents)."""
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"Documents sources absents ({SEEDS_DIR}).")
    upper = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ"
    lower = "a-zàâäçéèêëîïôöùûüÿ"
    first = rf"[{upper}][{lower}]+(?:-[{upper}][{lower}]+)?"
    pattern = re.compile(rf"\b({first})\s+([{upper}]{{2,}}(?:[-' ][{upper}]{{2,}})*|[{upper}][{lower}]+)\b")
    names = set()
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        for given, family in pattern.findall(path.read_text(encoding="utf-8", errors="replace")):
            names.add(_plain(f"{given} {family}"))
    return names


def seeds_text() -> str:
    return _plain(" ".join(path.read_text(encoding="utf-8", errors="replace") for path in SEEDS_DIR.glob("*.txt")))


def test_seed_names_are_found():
    names = seed_person_names()
    capitalised = [name for name in names if name.split()[0] in {_plain(n) for n in FIRST_NAMES}]
    assert len(names) > 100
    assert capitalised, "the extraction finds people's names, not only phrases"


def test_generated_names_are_not_people_of_the_source_documents(demo_store_url):
    seed_names = seed_person_names()
    text = seeds_text()
    people = pd.concat([read(demo_store_url, select(Referent.full_name)).full_name,
                        read(demo_store_url, select(Ambassador.full_name)).full_name])
    assert len(people) > 100
    for name in people:
        assert _plain(name) not in seed_names, name
        assert _plain(name) not in text, name


def test_no_possible_demo_name_is_a_person_of_the_source_documents():
    seed_names = seed_person_names()
    possible = {_plain(f"{first} {last}") for first in FIRST_NAMES for last in LAST_NAMES}
    assert possible.isdisjoint(seed_names), sorted(possible & seed_names)


# The store's natural keys.

@pytest.mark.parametrize("seed", [SEED, SEED + 1, 7])
def test_no_two_generated_rows_share_a_natural_key(inputs, seed):
    """What the store keeps unique: an import finds each demo row at most once (and the load never fails)."""
    demo = generate_demo(*inputs, "32", seed, TODAY)
    assert (demo.events.title_key == demo.events.title.map(fold_key)).all()
    assert (demo.structures.name_key == demo.structures.name.map(fold_key)).all()
    assert not demo.events.duplicated(["region_code", "title_key", "start_date", "commune_code"]).any()
    assert not demo.structures.duplicated(["region_code", "name_key", "commune_code"]).any()
    assert demo.referents.email.is_unique and demo.ambassadors.email.is_unique


def test_a_second_structure_of_a_kind_in_a_town_is_numbered(demo):
    names = demo.structures.name
    numbered = names[names.str.contains(" n° ")]
    assert len(numbered), "some towns have two missions locales or MLDS actions"
    assert set(numbered.str.replace(r" n° \d+$", "", regex=True)) <= set(names)


# Everything generated says so.

def test_every_generated_row_is_flagged_demo(demo, demo_store_url):
    for name in ["referents", "zonings", "events", "ambassadors", "mobilisations", "structures",
                 "indicator_values"]:
        frame = getattr(demo, name)
        assert len(frame) and frame.is_demo.eq(True).all(), name
    for model in (Referent, Zoning, Event, Ambassador, Mobilisation, RemediationStructure, IndicatorValue):
        flags = read(demo_store_url, select(model.is_demo)).is_demo
        assert len(flags) and flags.all(), model.__name__
    # The demo's imported-like indicators are demo; the definitions of computed ones are not (their values are).
    definitions = read(demo_store_url, select(Indicator.indicator_code, Indicator.is_demo)).set_index(
        "indicator_code").is_demo
    demo_codes = [row["indicator_code"] for row in DEMO_INDICATORS]
    assert definitions[demo_codes].all() and not definitions.drop(demo_codes).any()


# Events.

def test_events_cover_the_last_school_years(events):
    by_year = events.school_year.value_counts().to_dict()
    assert set(by_year) == {"2024-2025", "2025-2026", "2026-2027"}
    assert by_year["2024-2025"] >= 300 and by_year["2025-2026"] >= 300, by_year
    assert events.start_date.min() >= date(2024, 9, 1)
    assert events.start_date.max() <= date(2027, 8, 31)


def test_no_event_in_the_summer_holidays(events):
    assert not events.start_date.map(lambda day: day.month in (7, 8)).any()


def test_past_events_have_participants_and_future_ones_not_yet(events):
    past = events[events.start_date <= TODAY]
    future = events[events.start_date > TODAY]
    assert len(future) > 0, "upcoming events of the current school year"
    assert past.participants_count.notna().all() and (past.participants_count >= 5).all()
    assert future.participants_count.isna().all()


def test_events_are_denser_in_towns_than_in_the_countryside(events, communes):
    population = communes.set_index("commune_code").population_count
    epci_of = communes.set_index("commune_code").epci_code
    for year in ("2024-2025", "2025-2026"):
        per_commune = events[events.school_year == year].groupby("commune_code").size().reindex(
            population.index, fill_value=0)
        towns, villages = population >= 50_000, population < 2_000
        town_rate = per_commune[towns].sum() / population[towns].sum()
        village_rate = per_commune[villages].sum() / population[villages].sum()
        assert town_rate > 2 * village_rate, (year, town_rate, village_rate)
        per_epci = per_commune.groupby(epci_of).sum()
        assert (per_epci == 0).sum() >= 5, "some EPCI had no event that year: the gaps show"


def test_events_in_a_lycee_are_in_its_commune(events, demo_store_url):
    schools = read(demo_store_url, select(School.uai, School.commune_code)).set_index("uai").commune_code
    in_school = events[events.school_uai.notna()]
    assert len(in_school) > 100
    assert (in_school.school_uai.map(schools) == in_school.commune_code).all()


def test_mobilisations_follow_the_ambassador_and_the_event(demo_store_url):
    ambassadors = read(demo_store_url, select(Ambassador.id, Ambassador.joined_date)).set_index("id").joined_date
    events = read(demo_store_url, select(Event.id, Event.start_date)).set_index("id").start_date
    mobilisations = read(demo_store_url, select(*Mobilisation.__table__.c))
    assert len(mobilisations) > 100
    assert (mobilisations.mobilisation_date >= mobilisations.ambassador_id.map(ambassadors)).all()
    assert (mobilisations.mobilisation_date <= TODAY).all()
    at_events = mobilisations.dropna(subset=["event_id"])
    assert (at_events.mobilisation_date == at_events.event_id.astype(int).map(events)).all()


# Remediation.

def test_remediation_structures_are_of_the_real_kinds(demo_store_url):
    structures = read(demo_store_url, select(RemediationStructure.structure_kind, RemediationStructure.commune_code))
    kinds = set(structures.structure_kind)
    assert kinds <= set(REMEDIATION_KINDS)
    for expected in ("E2C", "EPIDE", "Micro-lycée", "MLDS", "mission locale"):
        assert any(expected.lower() in kind.lower() for kind in kinds), expected
    departement = structures.commune_code.str[:2]
    assert set(departement) == {"02", "59", "60", "62", "80"}, "every département has remediation places"


def test_capacity_snapshots_are_monthly_and_never_overfull(demo_store_url):
    structures = read(demo_store_url, select(RemediationStructure.id)).id
    snapshots = read(demo_store_url, select(*CapacitySnapshot.__table__.c))
    months = pd.date_range(date(2024, 9, 1), TODAY, freq="MS").date
    per_structure = snapshots.groupby("structure_id").snapshot_date.apply(sorted)
    assert set(per_structure.index) == set(structures)
    assert all(list(dates) == list(months) for dates in per_structure)
    assert (snapshots.capacity_count > 0).all()
    assert ((snapshots.occupied_count >= 0) & (snapshots.occupied_count <= snapshots.capacity_count)).all()
    assert (snapshots.groupby("structure_id").capacity_count.nunique() == 1).all()
    assert (snapshots.occupied_count < snapshots.capacity_count).any(), "some seats are free"


def test_indicator_values_per_departement_and_school_year(demo_store_url):
    demo_codes = [row["indicator_code"] for row in DEMO_INDICATORS]
    values = read(demo_store_url, select(*IndicatorValue.__table__.c).where(
        IndicatorValue.indicator_code.in_(demo_codes)))
    assert set(values.territory_level) == {"departement"}
    assert set(values.territory_code) == {"02", "59", "60", "62", "80"}
    assert set(values.period) == {"2024-2025", "2025-2026", "2026-2027"}
    assert not values.duplicated(["indicator_code", "territory_code", "period"]).any()
    assert set(values.indicator_code) == set(demo_codes)
