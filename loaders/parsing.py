"""Parsers for what French spreadsheets really hold: dates, decimal commas, UAI codes, emails, headers.

Each parser returns a value or raises ValueParseError with a French reason; none raises
anything else, whatever the input (checked by property-based tests).
"""

import math
import re
import unicodedata
from datetime import date, datetime, timedelta

UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # 23 letters: no I, O nor Q
_UAI = re.compile(r"^\d{7}[A-Z]$")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
_FRENCH_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_EXCEL_EPOCH = date(1899, 12, 30)
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
# Control characters a database or a workbook refuses (NUL in PostgreSQL text, the others in XLSX): tab, line
# feed and carriage return are ordinary text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_CELL_LENGTH = 2_000  # characters of any cell read; a text column keeps fewer (loaders.kinds)
NARROW_NBSP = "\u202f"


class ValueParseError(ValueError):
    """A cell that cannot be read; the message says why, in French."""


def is_blank(value) -> bool:
    """Empty cell: None, NaN, or only spaces."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def format_bound(number: float) -> str:
    """A limit as French messages write it: "1 000 000" (narrow no-break spaces between thousands)."""
    return f"{number:,.0f}".replace(",", NARROW_NBSP)


def refuse_unsafe_text(value) -> None:
    """Refuse cell text no store or workbook can hold: control characters, or a text far too long."""
    if not isinstance(value, str):
        return
    if len(value) > MAX_CELL_LENGTH:
        raise ValueParseError(f"cellule trop longue ({format_bound(len(value))} caractères, "
                              f"{format_bound(MAX_CELL_LENGTH)} au plus)")
    if match := _CONTROL.search(value):
        raise ValueParseError(f"caractère de contrôle invisible (code {ord(match.group()):02X}) en position "
                              f"{match.start() + 1} : ni la base de données ni Excel ne l'acceptent ; retirez-le")


def parse_date(value) -> date:
    """A date written dd/mm/yyyy or ISO (yyyy-mm-dd), a date object, or an Excel serial number.

    A serial number is a date only as a workbook's number cell (46000 in an XLSX): written as text
    (a CSV cell), it is refused, since nothing says the writer meant a date.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _excel_date(value)
    text = str(value).strip()
    if match := _FRENCH_DATE.match(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := _ISO_DATE.match(text):
        year, month, day = (int(part) for part in match.groups())
    elif re.fullmatch(r"[-+]?[\d\s.,]*\d[\d\s.,]*(e[-+]?\d+)?", text, re.IGNORECASE):
        raise ValueParseError(f"date illisible « {text} » : attendu jj/mm/aaaa ; un nombre n'est lu comme une date "
                              "que dans une cellule de date d'un classeur Excel (.xlsx)")
    else:
        raise ValueParseError(f"date illisible « {text} » : attendu jj/mm/aaaa")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueParseError(f"date impossible « {text} »") from None


def _excel_date(serial: float) -> date:
    """A workbook's date serial number (days since 30/12/1899)."""
    if not math.isfinite(serial) or not float(serial).is_integer() or not 1 <= serial <= 2_958_465:
        raise ValueParseError(f"date illisible « {serial:g} » : attendu jj/mm/aaaa".replace(".", ","))
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def parse_decimal(value) -> float:
    """A number with a decimal comma and spaces between thousands ("1 234,5"), or a plain number."""
    if isinstance(value, bool):
        raise ValueParseError("nombre attendu")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueParseError("nombre attendu")
        return float(value)
    text = _SPACES.sub("", str(value))
    if text.count(",") == 1 and "." in text and text.index(".") < text.index(","):
        text = text.replace(".", "")  # 1.234,5
    text = text.replace(",", ".")
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", text):
        raise ValueParseError(f"nombre illisible « {str(value).strip()} »")
    number = float(text)
    if not math.isfinite(number):  # 400 digits: beyond what a float holds
        raise ValueParseError(f"nombre trop grand ({len(text)} chiffres)")
    return number


def parse_count(value) -> int:
    """A whole, non-negative number."""
    number = parse_decimal(value)
    if number < 0 or not number.is_integer():
        raise ValueParseError(f"nombre entier positif attendu, pas « {str(value).strip()} »")
    return int(number)


def parse_bool(value) -> bool:
    """oui/non (and their usual spellings)."""
    text = str(value).strip().lower()
    if text in {"oui", "o", "vrai", "x", "1", "yes", "true"}:
        return True
    if text in {"non", "n", "faux", "0", "no", "false"}:
        return False
    raise ValueParseError(f"« oui » ou « non » attendu, pas « {str(value).strip()} »")


def uai_check_letter(digits: str) -> str:
    """The check letter of a UAI's seven digits."""
    return UAI_LETTERS[int(digits) % 23]


def parse_uai(value) -> str:
    """A UAI code (7 digits and a check letter), upper-cased and verified."""
    text = str(value).strip().upper()
    if not _UAI.match(text):
        raise ValueParseError(f"code UAI invalide « {str(value).strip()} » : 7 chiffres et une lettre attendus")
    if uai_check_letter(text[:7]) != text[7]:
        raise ValueParseError(f"code UAI invalide « {text} » : la lettre de contrôle devrait être "
                              f"{uai_check_letter(text[:7])}")
    return text


def parse_email(value) -> str:
    """An email address, lower-cased."""
    text = str(value).strip()
    if len(text) > 254 or not _EMAIL.match(text):
        raise ValueParseError(f"courriel invalide « {text} »")
    return text.lower()


def header_key(text) -> str:
    """A header as compared: no case, accents, spaces, underscores or punctuation ("Date_début" = "date debut")."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "", plain)
