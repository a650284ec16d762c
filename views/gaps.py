"""Gaps in plain French: "12 EPCI, 210 000 habitants, sans événement cette année"."""

from models.gaps import Gap
from views.formatting import format_number, format_percent


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{format_number(count)} {singular if count <= 1 else (plural or singular + 's')}"


def gap_sentence(gap: Gap) -> str:
    """One French sentence for one gap."""
    people = _plural(gap.population_count, "habitant")
    sentences = {
        "epci_without_event": f"{_plural(gap.territories_count, 'EPCI', 'EPCI')}, {people}, sans événement "
                              "cette année.",
        "epci_without_ambassador": f"{_plural(gap.territories_count, 'EPCI', 'EPCI')}, {people}, sans ambassadeur "
                                   "actif.",
        "white_zone_event": f"{people} à plus de {gap.detail} km de tout événement de l'année.",
        "white_zone_ambassador": f"{people} à plus de {gap.detail} km de tout ambassadeur actif.",
        "white_zone_remediation": f"{people} à plus de {gap.detail} km d'une place de remédiation libre.",
        "schools_not_reached": f"{_plural(gap.schools_count, 'lycée')} sur {format_number(gap.total_count)} "
                               f"({format_percent(gap.share)}) touchés par aucun événement cette année."
                               .replace("touchés", "touché" if gap.schools_count <= 1 else "touchés"),
        "communes_without_referent": f"{_plural(gap.territories_count, 'commune')} et "
                                     f"{_plural(gap.schools_count, 'lycée')} couverts par aucun référent.",
        "sectors_without_ambassador": f"{gap.detail} : {_plural(gap.total_count, 'filière')} sans aucun "
                                      "ambassadeur.",
        "weakest_departement": f"{gap.detail} : indice de couverture le plus faible de la région "
                               f"({format_number(gap.total_count)}, pour 100 en moyenne).",
    }
    return sentences[gap.kind]


def gap_sentences(gaps: list[Gap], count: int = 5) -> list[str]:
    """The `count` biggest gaps as sentences."""
    return [gap_sentence(gap) for gap in gaps[:count]]
