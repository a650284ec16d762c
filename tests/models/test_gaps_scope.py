"""The gaps: ranked by the share of need they leave uncovered, for the région or one département, naming EPCI.

Inputs are tests/fixtures.py's tiny territory, with populations changed so that the figures are round:
59001 13 000 hab., 59002 3 000, 59003 5 000, 59004 0, 62001 7 000, 62002 2 000 (30 000 in all; 59: 21 000,
62: 9 000). Without référent n° 1 (the whole of 62), the communes of 62 (9 000 hab., 30 %) have no référent;
they are in EPCI 200000002 « CC des Deux Rives ».
"""

import pandas as pd
import pytest

from models.gaps import Gap, find_gaps
from models.measures import INDICATORS, compute_measures
from tests.fixtures import (
    DEPARTEMENT_NAMES,
    EPCI_NAMES,
    SECTORS,
    tiny_communes,
    tiny_events,
    tiny_inputs,
    tiny_referents,
)
from views.gaps import gap_sentence, gap_sentences

POPULATIONS = {"59001": 13_000, "62001": 7_000}


def _named(frame: pd.DataFrame) -> pd.DataFrame:
    """A measures table named as loaders.read.measures names it."""
    return frame.assign(name=frame.territory_code.map({**DEPARTEMENT_NAMES, **EPCI_NAMES}).fillna(
        frame.territory_code))


def _measures(**changes) -> dict[str, pd.DataFrame]:
    communes = tiny_communes()
    communes["population_count"] = communes.commune_code.map(POPULATIONS).fillna(communes.population_count)
    referents = tiny_referents()
    values = dict(communes=communes, referents=referents[referents.id != 1][["id", "fte", "departement_code",
                                                                           "epci_code"]])
    values.update(changes)
    measures = compute_measures(tiny_inputs(**values), threshold_km=20.0)
    return {level: _named(frame) for level, frame in measures.items()}


def _row(frame: pd.DataFrame, code: str) -> pd.Series:
    return frame.set_index("territory_code").loc[code]


def _gap(gaps: list[Gap], kind: str) -> Gap:
    return next(gap for gap in gaps if gap.kind == kind)


@pytest.fixture(scope="module")
def measures() -> dict[str, pd.DataFrame]:
    return _measures()


# Habitants sans référent: computed at every level, and the gap ranked by it.

def test_uncovered_population_is_registered_as_an_indicator():
    indicator = INDICATORS["uncovered_population_count"]
    assert (indicator.label, indicator.unit, indicator.decimals) == ("Habitants sans référent", "habitants", 0)
    assert not indicator.is_higher_better and indicator.resource == "référents"


def test_uncovered_population_is_computed_at_every_level(measures):
    assert _row(measures["region"], "32").uncovered_population_count == 9_000
    assert _row(measures["departement"], "62").uncovered_population_count == 9_000
    assert _row(measures["departement"], "59").uncovered_population_count == 0
    assert _row(measures["epci"], "200000002").uncovered_population_count == 9_000
    assert _row(measures["epci"], "200000001").uncovered_population_count == 0
    assert _row(measures["commune"], "62002").uncovered_population_count == 2_000
    assert measures["zoning"].set_index("territory_code").uncovered_population_count.to_dict() == {
        "Z1": 0, "Z2": 7_000}


def test_communes_without_referent_are_ranked_by_their_population(measures):
    """30 % of the inhabitants without référent: the gap's share is 0,30 (it was 1 % whatever the figure)."""
    gaps = find_gaps(_row(measures["region"], "32"), measures["departement"], measures["epci"], 20.0, len(SECTORS))
    gap = _gap(gaps, "communes_without_referent")
    assert gap.share == pytest.approx(0.30)
    assert (gap.territories_count, gap.population_count, gap.schools_count) == (2, 9_000, 1)
    assert gap.examples == (("CC des Deux Rives", 9_000),)
    assert gap_sentence(gap) == ("2 communes (9\u202f000 habitants) et 1 lycée sans référent, dont CC des Deux "
                                 "Rives (9\u202f000 hab.).")


def test_every_commune_covered_is_no_gap():
    measures = _measures(referents=tiny_referents()[["id", "fte", "departement_code", "epci_code"]])
    gaps = find_gaps(_row(measures["region"], "32"), measures["departement"], measures["epci"], 20.0, len(SECTORS))
    assert "communes_without_referent" not in {gap.kind for gap in gaps}


# The gaps of one département: its row, itself alone, its EPCI only.

def _departement_gaps(measures, code: str, epci_codes: list[str]) -> list[Gap]:
    departements = measures["departement"]
    return find_gaps(_row(departements, code), departements[departements.territory_code == code],
                     measures["epci"][measures["epci"].territory_code.isin(epci_codes)], 20.0, len(SECTORS))


def test_a_departement_has_its_own_gaps(measures):
    """Pas-de-Calais d'essai: all its 9 000 inhabitants without référent (100 %), 4 sectors of its own missing;
    nothing of the Nord's."""
    gaps = _departement_gaps(measures, "62", ["200000002"])
    assert _gap(gaps, "communes_without_referent").share == pytest.approx(1.0)
    sectors = [gap for gap in gaps if gap.kind == "sectors_without_ambassador"]
    assert [(gap.detail, gap.total_count) for gap in sectors] == [("Pas-de-Calais d'essai", 4)]
    assert all(0 < gap.share <= 1 for gap in gaps)
    assert "weakest_departement" not in {gap.kind for gap in gaps}
    text = " ".join(gap_sentences(gaps, count=len(gaps), scope_label="du département"))
    assert "Nord" not in text and "de la région" not in text


def test_a_departement_names_its_weakest_epci(measures):
    """In the Nord d'essai, without events in CA de Bourg, the weakest EPCI is named with its index."""
    events = tiny_events()
    measures = _measures(events=events[~events.commune_code.isin(["59001", "59002"])])
    gaps = _departement_gaps(measures, "59", ["200000001", "200000002"])
    weakest = _gap(gaps, "weakest_epci")
    epci = _row(measures["epci"], "200000001")
    assert weakest.detail == "CA de Bourg" and weakest.total_count == round(epci.coverage_index)
    sentence = gap_sentence(weakest, scope_label="du département")
    assert sentence.startswith("CA de Bourg : indice de couverture le plus faible des EPCI du département (")
    no_event = _gap(gaps, "epci_without_event")
    assert no_event.examples == (("CA de Bourg", 16_000),)
    assert gap_sentence(no_event) == ("1 EPCI, 16\u202f000 habitants, sans événement cette année, dont CA de "
                                      "Bourg (16\u202f000 hab.).")


def test_the_region_keeps_its_wording(measures):
    gaps = find_gaps(_row(measures["region"], "32"), measures["departement"], measures["epci"], 20.0, len(SECTORS))
    weakest = _gap(gaps, "weakest_departement")
    assert gap_sentence(weakest).startswith(f"{weakest.detail} : indice de couverture le plus faible de la région")


def test_examples_name_the_epci_with_the_largest_figure():
    """Several EPCI without event: the most populous ones are named first, as many as asked."""
    events = tiny_events()
    measures = _measures(events=events.iloc[0:0])
    region = _row(measures["region"], "32")
    gap = _gap(find_gaps(region, measures["departement"], measures["epci"], 20.0, len(SECTORS), examples_count=2),
               "epci_without_event")
    assert gap.examples == (("CA de Bourg", 16_000), ("CC des Deux Rives", 14_000))
    assert gap_sentence(gap, year_label="en 2024–2025") == (
        "2 EPCI, 30\u202f000 habitants, sans événement en 2024–2025, dont CA de Bourg (16\u202f000 hab.) et CC des "
        "Deux Rives (14\u202f000 hab.).")
