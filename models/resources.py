"""The four resources the product maps, and the lycées they serve.

Contact details (email, phone) are personal data: models.queries only returns them
to roles that may see them, and aggregates never carry them.
"""

from datetime import date

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


def fold_key(text) -> str:
    """The form of a title or name that identifies a row: case and extra spaces ignored."""
    return " ".join(str(text).split()).casefold()


class School(SQLModel, table=True):
    """A lycée, identified by its UAI code."""

    uai: str = Field(primary_key=True, max_length=8, description="Code UAI (8 caractères, ex. 0590001A)")
    name: str = Field(description="Nom de l'établissement")
    city_label: str = Field(default="", description="Ville telle qu'écrite dans la source")
    postal_code: str | None = Field(default=None, max_length=5, description="Code postal corrigé")
    departement_code: str = Field(index=True, max_length=3, description="Département (tiré de l'UAI)")
    region_code: str = Field(foreign_key="region.region_code", index=True, max_length=3)
    commune_code: str | None = Field(
        default=None, foreign_key="commune.commune_code", index=True, max_length=5,
        description="Commune où l'établissement a été placé ; vide s'il n'a pas pu l'être",
    )
    latitude: float | None = Field(default=None, description="Position approchée (mairie de la commune)")
    longitude: float | None = None


class Referent(SQLModel, table=True):
    """A référent départemental (a person: contact details are personal data)."""

    __table_args__ = (Index("uq_referent_email", "region_code", "email", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    region_code: str = Field(foreign_key="region.region_code", index=True, max_length=3)
    full_name: str = Field(description="Prénom et nom")
    email: str | None = Field(default=None, description="Courriel professionnel (donnée personnelle)")
    phone: str | None = Field(default=None, description="Téléphone (donnée personnelle)")
    fte: float = Field(default=1.0, description="Temps consacré à la mission, en équivalent temps plein")
    start_date: date | None = Field(default=None, description="Début de la mission (vide : en poste avant les "
                                                              "données)")
    end_date: date | None = Field(default=None, description="Fin de la mission, le cas échéant (au plus tôt le "
                                                            "jour du début)")
    is_demo: bool = Field(default=False, description="Donnée de démonstration")


class ReferentArea(SQLModel, table=True):
    """A département (or, when split, one EPCI of it) that a référent covers."""

    id: int | None = Field(default=None, primary_key=True)
    referent_id: int = Field(foreign_key="referent.id", index=True)
    departement_code: str = Field(foreign_key="departement.departement_code", index=True, max_length=3)
    epci_code: str | None = Field(
        default=None, foreign_key="epci.epci_code", max_length=9,
        description="EPCI couvert quand le département est partagé entre plusieurs référents",
    )


class Event(SQLModel, table=True):
    """An info-métiers event: forum, salon, visite d'entreprise, café des parents…"""

    __table_args__ = (Index("uq_event_key", "region_code", "title_key", "start_date", "commune_code", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    region_code: str = Field(foreign_key="region.region_code", index=True, max_length=3)
    title: str = Field(description="Intitulé")
    title_key: str = Field(description="Intitulé sans casse ni espaces en trop (fold_key) : avec la date et la "
                                       "commune, ce qui identifie l'événement")
    event_type: str = Field(index=True, description="Type d'événement")
    start_date: date = Field(index=True, description="Date de l'événement")
    commune_code: str = Field(foreign_key="commune.commune_code", index=True, max_length=5)
    school_uai: str | None = Field(default=None, foreign_key="school.uai", max_length=8,
                                   description="Lycée où il a lieu, le cas échéant")
    sector: str | None = Field(default=None, description="Filière métier")
    target_public: str | None = Field(default=None, description="Publics visés")
    participants_count: int | None = Field(default=None, description="Nombre de participants")
    latitude: float | None = None
    longitude: float | None = None
    is_demo: bool = Field(default=False, description="Donnée de démonstration")


class EventSchool(SQLModel, table=True):
    """A lycée among the participants of an event (its pupils came, wherever it was held)."""

    event_id: int = Field(foreign_key="event.id", primary_key=True)
    uai: str = Field(foreign_key="school.uai", primary_key=True, max_length=8)


class Ambassador(SQLModel, table=True):
    """A volunteer professional of the ambassadors' network (personal data: RGPD)."""

    __table_args__ = (Index("uq_ambassador_email", "region_code", "email", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    region_code: str = Field(foreign_key="region.region_code", index=True, max_length=3)
    full_name: str = Field(description="Prénom et nom (donnée personnelle)")
    email: str | None = Field(default=None, description="Courriel (donnée personnelle)")
    phone: str | None = Field(default=None, description="Téléphone (donnée personnelle)")
    job_title: str = Field(default="", description="Métier exercé")
    sector: str = Field(index=True, description="Filière métier")
    employer: str | None = Field(default=None, description="Employeur")
    recruitment_channel: str | None = Field(default=None, description="Canal de recrutement (CCI, CMA, CFA…)")
    has_sponsorship_agreement: bool = Field(default=False, description="Mécénat de compétences ou charte")
    commune_code: str = Field(foreign_key="commune.commune_code", index=True, max_length=5)
    joined_date: date = Field(description="Entrée dans le réseau")
    left_date: date | None = Field(default=None, description="Sortie du réseau, le cas échéant")
    latitude: float | None = None
    longitude: float | None = None
    is_demo: bool = Field(default=False, description="Donnée de démonstration")


class Mobilisation(SQLModel, table=True):
    """An ambassador's intervention, at an event or in a school."""

    id: int | None = Field(default=None, primary_key=True)
    ambassador_id: int = Field(foreign_key="ambassador.id", index=True)
    event_id: int | None = Field(default=None, foreign_key="event.id", index=True)
    school_uai: str | None = Field(default=None, foreign_key="school.uai", max_length=8)
    mobilisation_date: date = Field(index=True)
    is_demo: bool = Field(default=False, description="Donnée de démonstration")


class RemediationStructure(SQLModel, table=True):
    """A dropout-remediation structure: E2C, EPIDE, micro-lycée, MLDS, mission locale…"""

    __table_args__ = (Index("uq_remediation_key", "region_code", "name_key", "commune_code", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    region_code: str = Field(foreign_key="region.region_code", index=True, max_length=3)
    name: str = Field(description="Nom de la structure")
    name_key: str = Field(description="Nom sans casse ni espaces en trop (fold_key) : avec la commune, ce qui "
                                      "identifie la structure")
    structure_kind: str = Field(index=True, description="Type de solution")
    operator: str | None = Field(default=None, description="Porteur")
    commune_code: str = Field(foreign_key="commune.commune_code", index=True, max_length=5)
    latitude: float | None = None
    longitude: float | None = None
    is_demo: bool = Field(default=False, description="Donnée de démonstration")


class CapacitySnapshot(SQLModel, table=True):
    """Seats of a remediation structure on a given date."""

    structure_id: int = Field(foreign_key="remediationstructure.id", primary_key=True)
    snapshot_date: date = Field(primary_key=True, description="Date du relevé")
    capacity_count: int = Field(description="Places ouvertes")
    occupied_count: int = Field(description="Places occupées")
