"""One settings object for the whole application, read from the environment.

Every field is documented in the README (a test keeps them in step).
"""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Application settings; each can be set by an environment variable of the same name."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_DIR / 'data' / 'maillage.db'}",
        description="Adresse de la base (SQLite par défaut, PostgreSQL via postgresql+psycopg://...).",
    )
    region_code: str = Field(
        default="32",
        description="Code INSEE de la région affichée (32 Hauts-de-France, 28 Normandie, 44 Grand Est).",
    )
    tile_url: str = Field(
        default="",
        description=(
            "Adresse des tuiles du fond de carte ({z}/{x}/{y}). Vide : pas de fond de carte "
            "(tests, poste hors ligne)."
        ),
    )
    tile_attribution: str = Field(
        default="",
        description="Mention de source du fond de carte, affichée sur la carte.",
    )
    viewer_role: str = Field(
        default="direction",
        description="Profil d'affichage tant que la connexion n'existe pas : direction, referent ou codir "
                    "(codir : agrégats seulement, aucune donnée personnelle).",
    )
    viewer_departements: str = Field(
        default="",
        description="Départements du profil referent en mode local, séparés par des virgules (ex. 59,62) : "
                    "l'application s'ouvre sur le premier.",
    )
    small_count: int = Field(
        default=5, ge=1,
        description="Secret statistique du profil codir : un nombre de personnes (ambassadeurs, participants) "
                    "inférieur à ce seuil s'affiche « < 5 ».",
    )
    white_zone_km: float = Field(
        default=20.0,
        description="Distance (km, à vol d'oiseau, Lambert-93) au-delà de laquelle une commune est en zone blanche "
                    "pour une ressource.",
    )
    targets: dict[str, float] = Field(
        default={"events_per_10k": 0.8, "ambassadors_per_10k": 0.7, "remediation_per_10k": 5.5,
                 "inhabitants_per_referent": 600_000, "coverage_index": 90},
        description="Cibles par indicateur (JSON), comparées sur la vue d'ensemble : "
                    '{"events_per_10k": 0.8, ...}.',
    )
    demo_seed: int = Field(default=20261125, description="Graine du générateur de données de démonstration.")
    build_demo_on_start: bool = Field(
        default=True,
        description="Au premier démarrage sur un entrepôt vide, y ajouter les données de démonstration.",
    )
    retention_years: int = Field(
        default=3, ge=1,
        description="Conservation des données personnelles (années) : python -m loaders purge anonymise les "
                    "ambassadeurs sortis du réseau depuis plus longtemps et supprime les lignes refusées "
                    "d'imports de référents ou d'ambassadeurs plus anciennes.",
    )
    access_log_months: int = Field(
        default=12, ge=1,
        description="Conservation du journal des accès aux données personnelles (mois) : python -m loaders purge "
                    "supprime les entrées plus anciennes.",
    )


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings (read once)."""
    return Settings()
