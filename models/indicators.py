"""The indicator store: indicators with source and periodicity, and their values by territory."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class Indicator(SQLModel, table=True):
    """An indicator's definition."""

    indicator_code: str = Field(primary_key=True, description="Code court, ex. decrocheurs_16_25")
    label: str = Field(description="Libellé en français")
    unit: str = Field(default="", description="Unité (personnes, %, places…)")
    source: str = Field(default="", description="Producteur de la donnée")
    periodicity: str = Field(default="annuelle", description="Périodicité de mise à jour")
    is_higher_better: bool = Field(default=True, description="Une valeur plus haute est-elle meilleure ?")
    is_demo: bool = Field(default=False, description="Donnée de démonstration")


class IndicatorValue(SQLModel, table=True):
    """One value of an indicator for a territory and a period (one per indicator, territory and period)."""

    __table_args__ = (UniqueConstraint("indicator_code", "territory_level", "territory_code", "period",
                                       name="uq_indicator_value"),)

    id: int | None = Field(default=None, primary_key=True)
    indicator_code: str = Field(foreign_key="indicator.indicator_code", index=True)
    territory_level: str = Field(description="region, departement, epci, commune ou zonage")
    territory_code: str = Field(index=True)
    period: str = Field(description="Période : année civile (2025) ou scolaire (2025-2026)")
    value: float
    computed_at: datetime | None = Field(default=None, description="Date de calcul ou de chargement")
    is_demo: bool = Field(default=False, description="Donnée de démonstration")
