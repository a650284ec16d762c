"""Gaps in plain French: "12 EPCI, 210 000 habitants, sans événement cette année, dont CC du Pays de Mormal (…)"."""

from models.gaps import Gap
from views.formatting import format_number, format_percent

# How each gap's named EPCI read: "CC du Pays de Mormal (47 000 hab.)", "CA de Bourg (9 lycées)".
_EXAMPLE_UNITS = {"schools_not_reached": ("lycée", "lycées")}


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{format_number(count)} {singular if count <= 1 else (plural or singular + 's')}"


def _examples(gap: Gap) -> str:
    """", dont CA de Bourg (16 000 hab.) et CC des Deux Rives (14 000 hab.)", or nothing."""
    if not gap.examples:
        return ""
    unit = _EXAMPLE_UNITS.get(gap.kind)
    named = [f"{name} ({_plural(int(value), *unit) if unit else format_number(value) + ' hab.'})"
             for name, value in gap.examples]
    listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} et {named[-1]}"
    return f", dont {listed}"


def gap_sentence(gap: Gap, scope_label: str = "de la région", year_label: str = "cette année") -> str:
    """One French sentence for one gap.

    `scope_label` says whose gap it is ("de la région", "du département"), `year_label` when ("cette
    année", "en 2024–2025" when a past school year is shown).
    """
    people = _plural(gap.population_count, "habitant")
    dont = _examples(gap)
    reached = "touché" if gap.schools_count <= 1 else "touchés"
    sentences = {
        "epci_without_event": f"{_plural(gap.territories_count, 'EPCI', 'EPCI')}, {people}, sans événement "
                              f"{year_label}{dont}.",
        "epci_without_ambassador": f"{_plural(gap.territories_count, 'EPCI', 'EPCI')}, {people}, sans ambassadeur "
                                   f"actif{dont}.",
        "white_zone_event": f"{people} à plus de {gap.detail} km de tout événement {year_label}{dont}.",
        "white_zone_ambassador": f"{people} à plus de {gap.detail} km de tout ambassadeur actif{dont}.",
        "white_zone_remediation": f"{people} à plus de {gap.detail} km d'une place de remédiation libre{dont}.",
        "schools_not_reached": f"{_plural(gap.schools_count, 'lycée')} sur {format_number(gap.total_count)} "
                               f"({format_percent(gap.share)}) {reached} par aucun événement {year_label}{dont}.",
        "communes_without_referent": f"{_plural(gap.territories_count, 'commune')} ({people}) et "
                                     f"{_plural(gap.schools_count, 'lycée')} sans référent{dont}.",
        "sectors_without_ambassador": f"{gap.detail} : {_plural(gap.total_count, 'filière')} sans aucun "
                                      "ambassadeur.",
        "weakest_departement": f"{gap.detail} : indice de couverture le plus faible {scope_label} "
                               f"({format_number(gap.total_count)}, pour 100 en moyenne régionale).",
        "weakest_epci": f"{gap.detail} : indice de couverture le plus faible des EPCI {scope_label} "
                        f"({format_number(gap.total_count)}, pour 100 en moyenne régionale).",
    }
    return sentences[gap.kind]


def gap_sentences(gaps: list[Gap], count: int = 5, *, scope_label: str = "de la région",
                  year_label: str = "cette année") -> list[str]:
    """The `count` biggest gaps as sentences (see gap_sentence for the labels)."""
    return [gap_sentence(gap, scope_label, year_label) for gap in gaps[:count]]
