"""A tiny hand-made territory and resource set, as data: shared by tests and a quick demo.

Six 1 km square communes (drawn in Lambert-93, EPSG:2154, served in WGS84) in two
départements and two EPCI, one EPCI straddling the départements:

    y (km)   7061-7062 | 59001 (12 000 hab.) | 59002 (3 000)  | 59003 (5 000)
             7060-7061 | 59004 (0 hab.)      | 62001 (8 000)  | 62002 (2 000)
                         x 700-701             701-702          702-703

    département 59 = 59001..59004 (20 000 hab.), département 62 = 62001, 62002 (10 000)
    EPCI 200000001 = 59001, 59002 (15 000), EPCI 200000002 = 59003, 59004, 62001, 62002 (15 000)

Référents: n° 1 covers the whole département 62 (1 ETP); département 59 is split by
EPCI between n° 2 (EPCI 200000001, 0,5 ETP) and n° 3 (EPCI 200000002 within 59, 0,8 ETP).
The figures the tests expect are worked out by hand in tests/models/test_measures_core.py and
tests/models/test_coverage.py.

Every function returns a fresh frame: tests may modify what they get.
Quick demo: `python -m tests.fixtures` prints the measures by département.
"""

from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

from models.measures import CoverageInputs, compute_measures

REGION_CODE = "32"
SECTORS = ("Industrie", "Santé", "Numérique", "Agriculture", "Transport")
SIDE_M = 1_000
# (code, name, département, EPCI, population, column, row) of each square, row 1 on top.
_COMMUNES = [
    ("59001", "Bourg-sur-Lys", "59", "200000001", 12_000, 0, 1),
    ("59002", "Saint-Éloi", "59", "200000001", 3_000, 1, 1),
    ("59003", "Haut-Marais", "59", "200000002", 5_000, 2, 1),
    ("59004", "Fleury-Désert", "59", "200000002", 0, 0, 0),
    ("62001", "Cité-Neuve", "62", "200000002", 8_000, 1, 0),
    ("62002", "Les Deux-Rives", "62", "200000002", 2_000, 2, 0),
]
_ORIGIN = (700_000, 7_060_000)
DEPARTEMENT_NAMES = {"59": "Nord d'essai", "62": "Pas-de-Calais d'essai"}
EPCI_NAMES = {"200000001": "CA de Bourg", "200000002": "CC des Deux Rives"}


def _squares_l93() -> gpd.GeoDataFrame:
    x0, y0 = _ORIGIN
    rows = [{"commune_code": code, "name": name, "departement_code": dep, "epci_code": epci,
             "population_count": pop,
             "geometry": box(x0 + col * SIDE_M, y0 + row * SIDE_M, x0 + (col + 1) * SIDE_M, y0 + (row + 1) * SIDE_M)}
            for code, name, dep, epci, pop, col, row in _COMMUNES]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:2154")


def tiny_communes() -> pd.DataFrame:
    """Communes as `read_communes` gives them, with the centre of each square as its town hall."""
    squares = _squares_l93()
    centres = squares.geometry.centroid.to_crs("EPSG:4326")
    frame = pd.DataFrame(squares.drop(columns="geometry"))
    frame["region_code"] = REGION_CODE
    frame["latitude"] = centres.y.to_numpy()
    frame["longitude"] = centres.x.to_numpy()
    return frame


def tiny_shapes(level: str = "commune") -> gpd.GeoDataFrame:
    """Outlines as `read_shapes` gives them (territory_code, name, geometry in WGS84) at any level."""
    squares = _squares_l93()
    if level == "commune":
        shapes = squares.rename(columns={"commune_code": "territory_code"})[["territory_code", "name", "geometry"]]
    else:
        key = {"departement": "departement_code", "epci": "epci_code"}[level]
        shapes = squares.dissolve(by=key).reset_index().rename(columns={key: "territory_code"})
        shapes["name"] = shapes.territory_code.map({**DEPARTEMENT_NAMES, **EPCI_NAMES})
        shapes = shapes[["territory_code", "name", "geometry"]]
    return shapes.to_crs("EPSG:4326").reset_index(drop=True)


def _at(commune_code: str, east_m: float = 0.0, north_m: float = 0.0) -> tuple[float, float]:
    """(latitude, longitude) of a point offset from a commune's centre, in metres."""
    code, *_rest, col, row = next(c for c in _COMMUNES if c[0] == commune_code)
    x = _ORIGIN[0] + (col + 0.5) * SIDE_M + east_m
    y = _ORIGIN[1] + (row + 0.5) * SIDE_M + north_m
    point = gpd.GeoSeries(gpd.points_from_xy([x], [y]), crs="EPSG:2154").to_crs("EPSG:4326").iloc[0]
    return point.y, point.x


def tiny_schools() -> pd.DataFrame:
    """Five lycées: two in 59001, one in 59003, one in 62001, one whose commune is unknown."""
    rows = [
        ("0590001A", "Lycée Jean Moulin", "Bourg-sur-Lys", "59", "59001", _at("59001", 100, 100)),
        ("0590002B", "Lycée des Métiers", "Bourg-sur-Lys", "59", "59001", _at("59001", -100, -100)),
        ("0590003C", "Lycée du Marais", "Haut-Marais", "59", "59003", _at("59003")),
        ("0620001D", "Lycée Cité-Neuve", "Cité-Neuve", "62", "62001", _at("62001")),
        ("0620002E", "Lycée sans commune", "", "62", None, _at("62002")),
    ]
    return pd.DataFrame([(uai, name, city, dep, commune, lat, lon)
                         for uai, name, city, dep, commune, (lat, lon) in rows],
                        columns=["uai", "name", "city_label", "departement_code", "commune_code",
                                 "latitude", "longitude"])


def tiny_events() -> pd.DataFrame:
    """Five events: 2 in 59001 (120 + 30 participants), 1 in 59003 without participant count,
    1 in the empty commune 59004 (10, no position), 1 in 62001 (80)."""
    rows = [
        (1, "Forum des métiers", "forum", date(2025, 10, 14), "59001", "0590001A", "Industrie", 120,
         *_at("59001", 100, 100)),
        (2, "Visite d'entreprise", "visite", date(2025, 11, 20), "59001", "0590001A", "Santé", 30,
         *_at("59001", 100, 100)),
        (3, "Atelier CV", "atelier", date(2025, 11, 27), "59003", "0590003C", "Numérique", None, *_at("59003")),
        (4, "Portes ouvertes", "visite", date(2026, 1, 15), "59004", None, "Agriculture", 10, np.nan, np.nan),
        (5, "Forum de printemps", "forum", date(2026, 3, 5), "62001", "0620001D", "Industrie", 80, *_at("62001")),
    ]
    frame = pd.DataFrame(rows, columns=["id", "title", "event_type", "start_date", "commune_code", "school_uai",
                                        "sector", "participants_count", "latitude", "longitude"])
    frame["target_public"] = "lycéens"
    frame["is_demo"] = False
    return frame


def tiny_ambassadors() -> pd.DataFrame:
    """Four ambassadors: 2 in 59001, 1 in 59002, 1 in 62002."""
    rows = [
        (1, "Alice Martin", "alice.martin@example.test", "+33 6 00 00 00 01", "Soudeuse", "Industrie", "59001"),
        (2, "Bruno Petit", "bruno.petit@example.test", "+33 6 00 00 00 02", "Infirmier", "Santé", "59001"),
        (3, "Chloé Durand", "chloe.durand@example.test", "+33 6 00 00 00 03", "Développeuse", "Numérique", "59002"),
        (4, "David Leroy", "david.leroy@example.test", "+33 6 00 00 00 04", "Maraîcher", "Agriculture", "62002"),
    ]
    frame = pd.DataFrame(rows, columns=["id", "full_name", "email", "phone", "job_title", "sector", "commune_code"])
    positions = [_at(code, 50 * i, 0) for i, code in enumerate(frame.commune_code)]
    frame["latitude"] = [lat for lat, _ in positions]
    frame["longitude"] = [lon for _, lon in positions]
    frame["mobilisations_count"] = [3, 0, 1, 2]
    frame["is_demo"] = False
    return frame


def tiny_remediation() -> pd.DataFrame:
    """Three structures: 59001 (20 places, 15 occupied), 59003 (12, full), 62001 (10, 4 occupied)."""
    rows = [
        (1, "E2C Bourg", "École de la deuxième chance", "59001", 20, 15),
        (2, "EPIDE Marais", "EPIDE", "59003", 12, 12),
        (3, "Mission locale Cité-Neuve", "Mission locale", "62001", 10, 4),
    ]
    frame = pd.DataFrame(rows, columns=["id", "name", "structure_kind", "commune_code", "capacity_count",
                                        "occupied_count"])
    frame["free_count"] = (frame.capacity_count - frame.occupied_count).clip(lower=0)
    positions = [_at(code, -200, 200) for code in frame.commune_code]
    frame["latitude"] = [lat for lat, _ in positions]
    frame["longitude"] = [lon for _, lon in positions]
    frame["snapshot_date"] = date(2026, 3, 1)
    frame["is_demo"] = False
    return frame


def tiny_referents() -> pd.DataFrame:
    """One row per référent area, as `read_referents` gives them for the direction."""
    rows = [
        (1, 1.0, "62", None, "Rose Lambert", "rose.lambert@example.test", "03 00 00 00 01"),
        (2, 0.5, "59", "200000001", "Paul Girard", "paul.girard@example.test", "03 00 00 00 02"),
        (3, 0.8, "59", "200000002", "Inès Moreau", "ines.moreau@example.test", "03 00 00 00 03"),
    ]
    return pd.DataFrame(rows, columns=["id", "fte", "departement_code", "epci_code", "full_name", "email", "phone"])


def tiny_inputs(**changes) -> CoverageInputs:
    """What `compute_measures` takes: the tiny territory and resources, lycée 0590002B among the participants of
    event 1, zonings Z1 = {59001, 59002} and Z2 = {59002, 62001}, dropouts 59 = 200 and 62 = 50, five sectors."""
    values = dict(
        communes=tiny_communes(), schools=tiny_schools(), events=tiny_events(),
        event_schools=pd.DataFrame({"event_id": [1], "uai": ["0590002B"]}), ambassadors=tiny_ambassadors(),
        remediation=tiny_remediation(), referents=tiny_referents()[["id", "fte", "departement_code", "epci_code"]],
        zonings=pd.DataFrame({"zoning_code": ["Z1", "Z1", "Z2", "Z2"], "name": ["Un", "Un", "Deux", "Deux"],
                              "commune_code": ["59001", "59002", "59002", "62001"]}),
        dropouts=pd.DataFrame({"departement_code": ["59", "62"], "value": [200.0, 50.0]}),
        sectors=SECTORS, region_code="32")
    values.update(changes)
    return CoverageInputs(**values)


if __name__ == "__main__":
    with pd.option_context("display.width", 200, "display.max_columns", 40):
        print(compute_measures(tiny_inputs(), levels=("departement",))["departement"])
