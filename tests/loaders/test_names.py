"""Place names as sources write them find the commune as the COG writes it."""

import pytest

from loaders.names import normalize_place_name


@pytest.mark.parametrize(("raw", "expected"), [
    ("Étaples", "ETAPLES"),
    ("Bréhal", "BREHAL"),
    ("Château-Thierry", "CHATEAU THIERRY"),
    ("château-thierry", "CHATEAU THIERRY"),
    ("  Lille  ", "LILLE"),
    ("Boulogne-sur-Mer", "BOULOGNE SUR MER"),
    ("ST-OMER", "SAINT OMER"),
    ("St Omer", "SAINT OMER"),
    ("St. Quentin", "SAINT QUENTIN"),
    ("Ste-Catherine", "SAINTE CATHERINE"),
    ("STES MARIES", "SAINTES MARIES"),
    ("AMIENS CEDEX 1", "AMIENS"),
    ("Amiens Cedex", "AMIENS"),
    ("BEAUVAIS CEDEX 12", "BEAUVAIS"),
    ("LILLE 59000", "LILLE"),
    ("L'Isle-Adam", "L ISLE ADAM"),
    ("Villeneuve-d'Ascq", "VILLENEUVE D ASCQ"),
])
def test_normalize_place_name(raw, expected):
    assert normalize_place_name(raw) == expected


@pytest.mark.parametrize(("source", "cog"), [
    ("ST OMER CEDEX", "Saint-Omer"),
    ("STE CATHERINE", "Sainte-Catherine"),
    ("VILLENEUVE D ASCQ CEDEX 2", "Villeneuve-d'Ascq"),
    ("CHATEAU-THIERRY", "Château-Thierry"),
    ("l'isle adam", "L'Isle-Adam"),
])
def test_source_spellings_meet_the_cog_spelling(source, cog):
    assert normalize_place_name(source) == normalize_place_name(cog)


def test_saint_is_only_expanded_as_a_whole_word():
    assert normalize_place_name("Estrées-Saint-Denis") == "ESTREES SAINT DENIS"
    assert normalize_place_name("Stella-Plage") == "STELLA PLAGE"


def test_cedex_inside_a_word_is_kept():
    assert normalize_place_name("Cedexville") == "CEDEXVILLE"


@pytest.mark.parametrize(("source", "cog"), [
    ("MARCQ-EN-BAROEUL", "Marcq-en-Barœul"),
    ("NOEUX LES MINES", "Nœux-les-Mines"),
    ("CREVECOEUR LE GRAND", "Crèvecœur-le-Grand"),
])
def test_oe_ligature_is_spelt_oe(source, cog):
    assert normalize_place_name(cog) == normalize_place_name(source)


def test_typographic_apostrophe_separates_words_like_the_straight_one():
    assert normalize_place_name("Villeneuve-d’Ascq") == normalize_place_name("Villeneuve-d'Ascq")
