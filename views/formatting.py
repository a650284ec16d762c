"""French formats: 1 234,5 and 23/11/2026."""

import math
import re
from datetime import date, datetime

import pandas as pd

NARROW_NBSP = "\u202f"
NO_DATA = "pas de données"  # a school year without data: never shown as zeros
# ASCII punctuation Markdown (and Streamlit's directives: :red[…], :material/…:, $…$) could read as markup.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$=&\"'^])")
# Streamlit turns http://…, www.… and a@b.fr into links even when escaped: an invisible word joiner
# (U+2060) inside each keeps them plain text.
_AUTOLINKS = re.compile(r"(?i)(?<=:)(?=//)|(?<=\bwww)(?=\\\.)|(?=@)")
WORD_JOINER = "\u2060"


def escape_markdown(text) -> str:
    """Data shown inside Markdown (st.markdown, captions, alerts, subheaders) as plain text.

    Every character Markdown could read as markup is backslash-escaped, and what would become a
    link is broken up, so that an imported `![](http://…)` shows as typed instead of making every
    visitor's browser fetch an address (or offering a link nobody checked).
    """
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
    return _AUTOLINKS.sub(WORD_JOINER, escaped)


def format_number(value, decimals: int = 0) -> str:
    """Format a number the French way ("1 234,5"); a dash for missing values."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{float(value):,.{decimals}f}"
    return text.replace(",", NARROW_NBSP).replace(".", ",")


def format_count(count: int, singular: str, plural: str | None = None) -> str:
    """"1 ligne lue", "3 lignes lues", "0 doublon ignoré": French takes the plural from 2 on.

    Without `plural`, every word of `singular` takes an s.
    """
    words = singular if count <= 1 else plural or " ".join(word + "s" for word in singular.split(" "))
    return f"{format_number(count)} {words}"


def format_percent(value, decimals: int = 0) -> str:
    """Format a ratio (0.25) as "25 %"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{format_number(value * 100, decimals)}\u00a0%"


def format_date(value) -> str:
    """Format a date as dd/mm/yyyy."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (date, datetime)):
        return value.strftime("%d/%m/%Y")
    return str(value)


def year_label(school_year: str) -> str:
    """A school year as written in French: "2024-2025" -> "2024–2025"."""
    return school_year.replace("-", "–")


def in_school_year(school_year: str, current_year: str) -> str:
    """« cette année » for the current school year, « en 2024–2025 » for another one (sentences name a past year)."""
    return "cette année" if school_year == current_year else f"en {year_label(school_year)}"
