"""The `zonings` import kind on a real Hauts-de-France store: zonings of one's own (bassins d'emploi, PRIF
territories…) as one line per commune, checked line by line, written all or nothing, exported and imported again
unchanged, then measured like every other level and listed on the map's Zonage level.

The store is conftest's demo_store_url (built once per session); a test that writes works on its own copy.
"""


import pytest
from sqlalchemy import Engine, select

from loaders.compute import compute_store
from loaders.imports import check_file, export_rows, write_check
from loaders.kinds import kind_of
from loaders.places import Places, read_places
from loaders.store import are_measures_stale
from models.access import Viewer
from models.audit import ImportBatch
from models.db import get_engine
from models.queries import read_frame, read_shapes, read_stored_measures, read_zoning_members
from models.territory import Zoning, ZoningCommune
from tests.conftest import DEMO_TODAY
from tests.loaders.import_files import kind_csv
from views.tables import to_csv_bytes, to_xlsx_bytes

REGION = "32"
YEAR = "2025-2026"
DIRECTION = Viewer("direction")
# Lille is in a bassin d'emploi and in a PRIF territory: a commune may belong to zonings of different kinds.
RECORDS = [
    {"Code du zonage": "BE-LILLE", "Nom du zonage": "Bassin d'emploi de Lille", "Nature du zonage": "bassin d'emploi",
     "Commune": "Lille"},
    {"Code du zonage": "BE-LILLE", "Nom du zonage": "Bassin d'emploi de Lille", "Nature du zonage": "bassin d'emploi",
     "Commune": "59512"},
    {"Code du zonage": "BE-LILLE", "Nom du zonage": "Bassin d'emploi de Lille", "Nature du zonage": "bassin d'emploi",
     "Commune": "Tourcoing"},
    {"Code du zonage": "PRIF-METRO", "Nom du zonage": "Territoire PRIF Métropole", "Nature du zonage":
     "territoire PRIF", "Commune": "Lille"},
    {"Code du zonage": "PRIF-METRO", "Nom du zonage": "Territoire PRIF Métropole", "Nature du zonage":
     "territoire PRIF", "Commune": "Villeneuve-d'Ascq"},
    {"Code du zonage": "AT-AMIENS", "Nom du zonage": "Agence territoriale d'Amiens", "Nature du zonage":
     "agence territoriale", "Commune": "Amiens", "Département": "80"},
]
MEMBERS = {"BE-LILLE": {"59350", "59512", "59599"}, "PRIF-METRO": {"59350", "59009"}, "AT-AMIENS": {"80021"}}


def check(engine: Engine, records: list[dict], places: Places, name: str = "zonages.csv"):
    return check_file(engine, "zonings", kind_csv("zonings", records), name, REGION, places=places)


def problems(checked) -> list[tuple]:
    return [(error.line, error.column, error.value, error.message) for error in checked.errors]


def imported(engine: Engine) -> dict[str, tuple]:
    """The imported (not demo) zonings: code -> (name, kind, communes)."""
    zonings = read_frame(engine, select(Zoning.id, Zoning.zoning_code, Zoning.name, Zoning.zoning_kind)
                         .where(Zoning.is_demo.is_(False)))
    members = read_frame(engine, select(ZoningCommune.zoning_id, ZoningCommune.commune_code))
    return {row.zoning_code: (row.name, row.zoning_kind,
                              set(members.commune_code[members.zoning_id == row.id])) for row in zonings.itertuples()}


def demo_sectors(engine: Engine) -> list[tuple]:
    return sorted(tuple(row) for row in read_frame(engine, select(Zoning.zoning_code, ZoningCommune.commune_code)
                                                   .join(ZoningCommune).where(Zoning.is_demo.is_(True)))
                  .itertuples(index=False))


def test_a_good_file_is_written_and_a_commune_may_be_in_zonings_of_several_kinds(store, places):
    """Communes by name, INSEE code or name and département; every line added; the demo's référent sectors left
    as they are; measures marked to recompute."""
    sectors = demo_sectors(store)
    checked = check(store, RECORDS, places)
    assert checked.is_clean, problems(checked)
    report = write_check(store, checked)
    assert (report.status, report.rows_written, report.rows_added, report.demo_removed) == ("ok", 6, 6, 0)
    assert imported(store) == {
        "BE-LILLE": ("Bassin d'emploi de Lille", "bassin d'emploi", MEMBERS["BE-LILLE"]),
        "PRIF-METRO": ("Territoire PRIF Métropole", "territoire PRIF", MEMBERS["PRIF-METRO"]),
        "AT-AMIENS": ("Agence territoriale d'Amiens", "agence territoriale", MEMBERS["AT-AMIENS"]),
    }
    assert demo_sectors(store) == sectors and sectors, "the demo sectors go with the demo référents, not here"
    assert are_measures_stale(store, REGION)


def test_a_bad_file_is_refused_line_by_line_and_writes_nothing(store, places):
    """Unknown commune (with a suggestion), empty or malformed or reserved code, the same zoning and commune twice
    with other values, one zoning named two ways: each refusal with line, column, value and French reason; nothing
    written, the refusal recorded."""
    good = RECORDS[0]
    records = [
        good,
        dict(good, **{"Commune": "Lile"}),
        dict(good, **{"Code du zonage": ""}),
        dict(good, **{"Code du zonage": "BE 01"}),
        dict(good, **{"Code du zonage": "demo-secteur-32-1"}),
        dict(good, **{"Nature du zonage": "bassin de formation (rectorat)"}),
        dict(good, **{"Nom du zonage": "Bassin de Lille", "Commune": "Roubaix"}),
        dict(good, **{"Commune": ""}),
    ]
    before = imported(store)
    checked = check(store, records, places)
    key_doc = kind_of("zonings").key_doc.split(" :")[0]
    assert problems(checked) == [
        (3, "Commune", "Lile", "commune « Lile » introuvable dans la région Hauts-de-France ; vouliez-vous dire "
                               "« Lille » ?"),
        (4, "Code du zonage", "", "valeur obligatoire manquante"),
        (5, "Code du zonage", "BE 01", "code de zonage « BE 01 » invalide : lettres sans accent, chiffres, -, _ ou ., "
                                       "40 caractères au plus, sans espace"),
        (6, "Code du zonage", "demo-secteur-32-1", "code de zonage « demo-secteur-32-1 » réservé : les codes "
                                                   "commençant par « demo- » sont ceux des données de démonstration"),
        (7, "Code du zonage", "BE-LILLE", f"même clé que la ligne 2 ({key_doc}) mais d'autres valeurs"),
        (8, "Nom du zonage", "Bassin de Lille", "la ligne 2 donne d'autres valeurs (Nom du zonage, Nature du zonage) "
                                                "pour le même élément"),
        (9, "Commune", "", "valeur obligatoire manquante"),
    ]
    report = write_check(store, checked)
    assert (report.status, report.rows_written, report.rows_refused) == ("refusé", 0, 7)
    assert imported(store) == before == {}
    with store.connect() as connection:
        batch = connection.execute(select(ImportBatch.kind, ImportBatch.status).order_by(ImportBatch.id.desc())).first()
    assert tuple(batch) == ("zonings", "refusé")


def test_the_same_line_twice_counts_once(hdf, places):
    """A commune repeated in its zoning (by name, then by code) is one line, with a notice."""
    checked = check(hdf, [RECORDS[0], dict(RECORDS[0], **{"Commune": "59350"})], places)
    assert checked.is_clean and len(checked.records) == 1 and checked.duplicates == 1
    assert "1 ligne(s) en double dans le fichier, comptée(s) une seule fois." in checked.notices


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_importing_again_or_importing_the_export_changes_nothing(store, places, extension):
    """The same file again, then the export: nothing added or updated, the same rows; the export leaves the demo
    sectors out (their codes are reserved)."""
    write_check(store, check(store, RECORDS, places))
    before = imported(store), demo_sectors(store)
    again = write_check(store, check(store, RECORDS, places))
    assert (again.status, again.rows_added, again.rows_updated, again.rows_unchanged) == ("ok", 0, 0, 6)
    frame = export_rows(store, DIRECTION, "zonings", REGION)
    assert list(frame.columns) == [column.header for column in kind_of("zonings").columns]
    assert sorted(zip(frame["Code du zonage"], frame["Commune"])) == sorted(
        (code, commune) for code, communes in MEMBERS.items() for commune in communes)
    data = to_csv_bytes(frame) if extension == "csv" else to_xlsx_bytes(frame, "Zonages")
    checked = check_file(store, "zonings", data, f"export.{extension}", REGION, places=places)
    assert checked.is_clean, problems(checked)
    report = write_check(store, checked)
    assert (report.rows_added, report.rows_updated, report.rows_unchanged) == (0, 0, 6)
    assert (imported(store), demo_sectors(store)) == before


def test_a_zoning_imported_again_takes_the_new_name_and_communes(store, places):
    """BE-LILLE renamed, without Tourcoing, with Wattrelos: its lines are updated (one added), Tourcoing leaves it;
    the zonings absent from the file stay; the code is matched without case."""
    write_check(store, check(store, RECORDS, places))
    changed = [dict(record, **{"Code du zonage": "be-lille", "Nom du zonage": "Zone d'emploi de Lille"})
               for record in RECORDS[:2]]
    changed.append(dict(changed[0], **{"Commune": "Wattrelos"}))
    report = write_check(store, check(store, changed, places))
    assert (report.rows_added, report.rows_updated, report.rows_unchanged) == (1, 2, 0)
    zonings = imported(store)
    assert zonings["be-lille"] == ("Zone d'emploi de Lille", "bassin d'emploi", {"59350", "59512", "59650"})
    assert zonings["PRIF-METRO"][2] == MEMBERS["PRIF-METRO"] and "BE-LILLE" not in zonings


def test_an_imported_zoning_is_measured_as_the_sum_of_its_communes_and_mapped(store, places):
    """After the recompute, the zoning level holds each imported zoning, its counts the sums of its communes'
    (Lille counted in both zonings it belongs to); the map's Zonage level lists them with their names."""
    write_check(store, check(store, RECORDS, places))
    compute_store(store, REGION, 20.0, today=DEMO_TODAY, school_years=[YEAR])
    zonings = read_stored_measures(store, REGION, "zoning", YEAR).set_index("territory_code")
    communes = read_stored_measures(store, REGION, "commune", YEAR).set_index("territory_code")
    assert set(MEMBERS) <= set(zonings.index)
    for code, members in MEMBERS.items():
        for column in ("population_count", "schools_count", "events_count", "participants_count",
                       "ambassadors_count", "remediation_capacity_count", "event_white_zone_population_count"):
            assert zonings.loc[code, column] == communes.loc[sorted(members), column].sum(), (code, column)
    assert zonings.loc["BE-LILLE", "events_count"] > 0
    shapes = read_shapes(store, REGION, "zoning").set_index("territory_code")
    assert shapes.loc["PRIF-METRO", "name"] == "Territoire PRIF Métropole"
    assert not shapes.loc[list(MEMBERS)].geometry.is_empty.any()
    kinds = read_zoning_members(store, REGION).drop_duplicates("zoning_code").set_index("zoning_code").zoning_kind
    assert kinds[list(MEMBERS)].tolist() == ["bassin d'emploi", "territoire PRIF", "agence territoriale"]


@pytest.mark.parametrize("store_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_on_postgresql_a_refused_file_writes_nothing_and_a_reimport_is_unchanged(store_url):
    """On PostgreSQL too (a store without demo data): refused, nothing written; written; the same file again and a
    changed one give the same counts as on SQLite."""
    from loaders.build import init_store

    engine = get_engine(store_url)
    init_store(engine, REGION, with_demo=False, seed=0, today=DEMO_TODAY)
    places = read_places(engine, REGION)
    refused = write_check(engine, check(engine, [*RECORDS, dict(RECORDS[0], **{"Commune": "Lile"})], places))
    assert (refused.status, refused.rows_written, imported(engine)) == ("refusé", 0, {})
    first = write_check(engine, check(engine, RECORDS, places))
    assert (first.status, first.rows_added) == ("ok", 6)
    written = imported(engine)
    second = write_check(engine, check(engine, RECORDS, places))
    assert (second.rows_added, second.rows_updated, second.rows_unchanged) == (0, 0, 6)
    assert imported(engine) == written
    third = write_check(engine, check(engine, RECORDS[:2], places))
    assert (third.rows_added, third.rows_updated, third.rows_unchanged) == (0, 2, 0)
    assert imported(engine)["BE-LILLE"][2] == {"59350", "59512"}
