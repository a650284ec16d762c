"""Distances in Lambert-93: nearest resource per commune, zones blanches, where to act next.

Pure functions on DataFrames with latitude/longitude (WGS84); metric work is done in
EPSG:2154, straight-line distances in kilometres.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

_TO_LAMBERT93 = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)


def lambert93_points(frame: pd.DataFrame) -> np.ndarray:
    """Shapely points in Lambert-93 for rows with latitude/longitude (None where missing)."""
    lon = frame.longitude.to_numpy(dtype=float)
    lat = frame.latitude.to_numpy(dtype=float)
    x, y = _TO_LAMBERT93.transform(lon, lat)
    points = shapely.points(x, y)
    points[np.isnan(lon) | np.isnan(lat)] = None
    return points


def nearest_distance_km(origins: pd.DataFrame, targets: pd.DataFrame) -> np.ndarray:
    """For each origin, the straight-line distance (km) to the nearest target; NaN when there is none."""
    result = np.full(len(origins), np.nan)
    target_points = lambert93_points(targets) if len(targets) else np.array([], dtype=object)
    target_points = target_points[~shapely.is_missing(target_points)] if len(target_points) else target_points
    if len(target_points) == 0 or len(origins) == 0:
        return result
    origin_points = lambert93_points(origins)
    present = ~shapely.is_missing(origin_points)
    tree = shapely.STRtree(target_points)
    (origin_index, _), distances = tree.query_nearest(origin_points[present], return_distance=True,
                                                       all_matches=False)
    values = np.full(present.sum(), np.nan)
    values[origin_index] = distances / 1000.0
    result[present] = values
    return result


def white_zones(distances_km: pd.Series, population: pd.Series, threshold_km: float) -> pd.Series:
    """Whether each commune is a zone blanche: beyond the threshold from any resource, or with none at all."""
    return distances_km.isna() | (distances_km > threshold_km)


@dataclass(frozen=True)
class Pick:
    """One step of the greedy choice: where, and whom it would reach."""

    commune_code: str
    name: str
    communes_reached: int
    population_reached: int


def greedy_sites(communes: pd.DataFrame, uncovered: pd.Series, radius_km: float, count: int = 10) -> list[Pick]:
    """Greedy maximum coverage: the communes where one more resource would reach the most uncovered inhabitants.

    A resource placed in a commune reaches every commune whose town hall lies within
    `radius_km`. At each step, take the commune whose radius holds the most inhabitants
    still uncovered, count them as covered, and start again. Ties go to the smaller
    INSEE code, so the choice is reproducible.
    """
    frame = communes.reset_index(drop=True)
    points = lambert93_points(frame)
    present = ~shapely.is_missing(points)
    still = uncovered.reset_index(drop=True).to_numpy(dtype=bool) & present
    population = frame.population_count.to_numpy(dtype=float)
    tree = shapely.STRtree(points[present])
    index = np.flatnonzero(present)
    sites, reached = tree.query(points[present], predicate="dwithin", distance=radius_km * 1000.0)
    sites, reached = index[sites], index[reached]
    order = np.argsort(frame.commune_code.to_numpy())
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    picks = []
    for _ in range(count):
        live = still[reached]
        gain = np.bincount(sites[live], weights=population[reached[live]], minlength=len(frame))
        if gain.max(initial=0) <= 0:
            break
        best = np.flatnonzero(gain == gain.max())
        best = best[np.argmin(rank[best])]
        newly = reached[(sites == best) & still[reached]]
        picks.append(Pick(frame.commune_code.iloc[best], frame.name.iloc[best], int(len(newly)),
                          int(population[newly].sum())))
        still[newly] = False
    return picks
