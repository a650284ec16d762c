"""Leaflet and MarkerCluster files, copied from their PyPI packages to ./static for the app to serve."""

import shutil
from pathlib import Path

import xstatic.pkg.leaflet as leaflet
import xstatic.pkg.leaflet_markercluster as markercluster

from models.settings import PROJECT_DIR

STATIC_VENDOR_DIR = PROJECT_DIR / "static" / "vendor"


def install_map_assets(target: Path = STATIC_VENDOR_DIR) -> Path:
    """Copy the packaged Leaflet assets under static/vendor (idempotent); return the folder."""
    for name, package, files in (
        ("leaflet", leaflet, ["leaflet.js", "leaflet.css", "images"]),
        ("markercluster", markercluster,
         ["leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css"]),
    ):
        destination = target / name
        destination.mkdir(parents=True, exist_ok=True)
        for file in files:
            source = Path(package.BASE_DIR) / file
            if source.is_dir():
                shutil.copytree(source, destination / file, dirs_exist_ok=True)
            elif not (destination / file).exists() or (destination / file).stat().st_size != source.stat().st_size:
                shutil.copy2(source, destination / file)
    return target
