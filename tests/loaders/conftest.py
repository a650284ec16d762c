"""Stores the loader tests share: the Hauts-de-France demo store read only, its places, a copy that may be written."""

import shutil
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from loaders.places import Places, read_places
from models.db import get_engine

REGION = "32"


@pytest.fixture(scope="module")
def hdf(demo_store_url) -> Engine:
    """The shared Hauts-de-France store with its demo data: read only (check_file writes nothing)."""
    return get_engine(demo_store_url)


@pytest.fixture(scope="module")
def places(hdf) -> Places:
    return read_places(hdf, REGION)


@pytest.fixture
def store(demo_store_url, tmp_path) -> Iterator[Engine]:
    """A copy of the Hauts-de-France store of this test's own: it may write."""
    copy = tmp_path / "store.db"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), copy)
    engine = get_engine(f"sqlite:///{copy}")
    yield engine
    engine.dispose()
