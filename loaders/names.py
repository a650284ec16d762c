"""Normalisation of French place names, so that "ST-OMER CEDEX" finds "Saint-Omer"."""

import re
import unicodedata

_ABBREVIATIONS = {"ST": "SAINT", "STE": "SAINTE", "STS": "SAINTS", "STES": "SAINTES"}
# Ligatures NFKD leaves alone, and apostrophes that must separate words like the straight one.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "’": " ", "‘": " ", "ʼ": " "})
_CEDEX = re.compile(r"\bCEDEX\b.*$")


def normalize_place_name(name: str) -> str:
    """Upper case, no accents, no punctuation, "St" spelt "Saint", CEDEX suffix dropped."""
    text = str(name).translate(_LIGATURES)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()
    text = _CEDEX.sub("", text)
    text = re.sub(r"[^A-Z0-9]+", " ", text).strip()
    words = [_ABBREVIATIONS.get(word, word) for word in text.split()]
    while words and words[-1].isdigit():  # "LILLE 59000", "AMIENS CEDEX 1"
        words.pop()
    return " ".join(words)
