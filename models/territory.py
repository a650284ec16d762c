"""Territories: official COG levels (région, département, EPCI, commune) and custom zonings.

Codes are strings as INSEE writes them ("02", "2A", "59350", SIREN for EPCI).
Geometries are stored as WKB in hexadecimal, WGS84, already simplified for display
(see loaders.geography): the store stays portable between SQLite and PostgreSQL.
"""

from sqlmodel import Field, SQLModel


class Region(SQLModel, table=True):
    """A French région (COG)."""

    region_code: str = Field(primary_key=True, max_length=3, description="Code INSEE de la région")
    name: str = Field(description="Nom de la région")
    population_count: int = Field(default=0, description="Population municipale (somme des communes)")


class Departement(SQLModel, table=True):
    """A département, with its geometry built from its communes."""

    departement_code: str = Field(primary_key=True, max_length=3, description="Code INSEE du département")
    name: str = Field(description="Nom du département")
    region_code: str = Field(foreign_key="region.region_code", index=True, max_length=3)
    population_count: int = Field(default=0, description="Population municipale")
    geometry_wkb: str | None = Field(default=None, description="Contour simplifié (WKB hexadécimal, WGS84)")


class Epci(SQLModel, table=True):
    """An EPCI with its own tax system (SIREN code), limited to its communes in one région."""

    epci_code: str = Field(primary_key=True, max_length=9, description="Code SIREN de l'EPCI")
    name: str = Field(description="Nom de l'EPCI")
    epci_type: str = Field(default="", description="Nature juridique (CC, CA, CU, MET)")
    region_code: str = Field(foreign_key="region.region_code", index=True, max_length=3)
    departement_code: str = Field(
        foreign_key="departement.departement_code",
        max_length=3,
        description="Département qui porte la plus grande part de sa population",
    )
    population_count: int = Field(default=0, description="Population municipale (communes de la région)")
    geometry_wkb: str | None = Field(default=None, description="Contour simplifié (WKB hexadécimal, WGS84)")


class Commune(SQLModel, table=True):
    """A commune (COG type COM), the finest level the store keeps."""

    commune_code: str = Field(primary_key=True, max_length=5, description="Code INSEE de la commune")
    name: str = Field(index=True, description="Nom de la commune")
    departement_code: str = Field(foreign_key="departement.departement_code", index=True, max_length=3)
    region_code: str = Field(foreign_key="region.region_code", index=True, max_length=3)
    epci_code: str | None = Field(default=None, foreign_key="epci.epci_code", index=True, max_length=9)
    population_count: int = Field(default=0, description="Population municipale")
    latitude: float | None = Field(default=None, description="Latitude de la mairie (ou du centre)")
    longitude: float | None = Field(default=None, description="Longitude de la mairie (ou du centre)")
    geometry_wkb: str | None = Field(default=None, description="Contour simplifié (WKB hexadécimal, WGS84)")
    seat_rank: str | None = Field(default=None, max_length=16,
                                  description="Chef-lieu : « prefecture » (de département), « sous-prefecture » "
                                              "(d'arrondissement), vide pour les autres communes")


class CommuneAlias(SQLModel, table=True):
    """Another name that designates a commune: delegated or associated commune, arrondissement."""

    alias_code: str = Field(primary_key=True, max_length=5, description="Code INSEE de l'entité (COMD, COMA, ARM)")
    name: str = Field(index=True, description="Nom de la commune déléguée, associée ou de l'arrondissement")
    alias_type: str = Field(description="Type COG : COMD, COMA ou ARM")
    commune_code: str = Field(foreign_key="commune.commune_code", index=True, max_length=5)
    latitude: float | None = None
    longitude: float | None = None


class PostalCode(SQLModel, table=True):
    """Which communes a postal code serves."""

    postal_code: str = Field(primary_key=True, max_length=5)
    commune_code: str = Field(primary_key=True, foreign_key="commune.commune_code", max_length=5)


class Zoning(SQLModel, table=True):
    """A named grouping of communes users think in (a référent's sector, a bassin, a PRIF territory)."""

    id: int | None = Field(default=None, primary_key=True)
    zoning_code: str = Field(unique=True, description="Identifiant court du zonage")
    name: str = Field(description="Nom affiché")
    zoning_kind: str = Field(description="Nature : secteur de référent, bassin d'emploi, territoire PRIF…")
    region_code: str = Field(foreign_key="region.region_code", index=True, max_length=3)
    is_demo: bool = Field(default=False, description="Donnée de démonstration")


class ZoningCommune(SQLModel, table=True):
    """Membership of a commune in a zoning."""

    zoning_id: int = Field(foreign_key="zoning.id", primary_key=True)
    commune_code: str = Field(foreign_key="commune.commune_code", primary_key=True, max_length=5)


class StoreMeta(SQLModel, table=True):
    """Key/value facts about the store: what was loaded, from which source, when.

    Two keys keep the app in step with the data: `data_version`, bumped by every write transaction
    (models.db.transaction), which the cached reads follow; `measures_stale:<région>`, present from a
    write until the measures are recomputed (loaders.compute).
    """

    key: str = Field(primary_key=True)
    value: str
