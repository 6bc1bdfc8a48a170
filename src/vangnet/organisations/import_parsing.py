"""Reading school-administration CSV files: formats, header aliases, value parsers.

Plain functions without database access, so they are easy to test; the import action
that uses them is :mod:`vangnet.organisations.importing`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vangnet.core.roles import Role
from vangnet.lib.dates import school_year_bounds

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
KINDS: dict[str, Promise] = {
    "pupils": _("Leerlingen"),
    "guardians": _("Ouders/verzorgers"),
    "staff": _("Medewerkers"),
}

MESSAGES: dict[str, Promise] = {
    "too_big": _("Het bestand is groter dan 5 MB. Splits het, bijvoorbeeld per school."),
    "too_many": _("Het bestand heeft meer dan %(max)d rijen. Splits het, bijvoorbeeld per school."),
    "not_csv": _(
        "Dit is geen CSV-bestand. Sla het in Excel op als ‘CSV UTF-8’ en probeer opnieuw."
    ),
    "encoding": _("De tekens in het bestand zijn niet te lezen. Sla het op als ‘CSV UTF-8’."),
    "bad_csv": _("Het bestand is geen geldige CSV: %(error)s"),
    "no_header": _("Rij 1 moet de kolomnamen bevatten; die rij is leeg."),
    "no_rows": _("Het bestand bevat geen rijen onder de kolomnamen."),
    "double_column": _("Deze kolom staat twee keer in het bestand (ook als ‘%(other)s’)."),
    "missing_column": _("De kolom ontbreekt. Gebruik een van deze kolomnamen: %(names)s."),
    "required": _("Vul een waarde in; deze kolom is verplicht."),
    "too_long": _("Te lang: hoogstens %(max)d tekens."),
    "bad_date": _("‘%(value)s’ is geen geldige datum. Schrijf JJJJ-MM-DD of DD-MM-JJJJ."),
    "future_birth": _("De geboortedatum ligt in de toekomst."),
    "bad_school_year": _("Schrijf het schooljaar als %(example)s."),
    "unknown_school": _("Schoolcode %(value)s hoort niet bij een school van %(board)s."),
    "duplicate_pupil": _("Leerlingnummer %(value)s staat ook al in rij %(row)d."),
    "bad_email": _("‘%(value)s’ is geen geldig e-mailadres."),
    "bad_phone": _("Gebruik in het telefoonnummer alleen cijfers, spaties, +, - of haakjes."),
    "bad_relation": _(
        "Onbekende relatie ‘%(value)s’. Kies moeder, vader, ouder, voogd, pleegouder of anders."
    ),
    "bad_bool": _("Vul ja of nee in, niet ‘%(value)s’."),
    "unknown_pupil": _(
        "Leerling %(value)s staat niet in Vangnet bij %(school)s. Importeer eerst de leerlingen."
    ),
    "ambiguous_guardian": _(
        "Er zijn al meerdere ouders met de naam %(value)s. Vul een e-mailadres in."
    ),
    "guardian_differs": _(
        "Dezelfde ouder staat in rij %(row)d met een andere naam of een ander telefoonnummer."
    ),
    "duplicate_link": _("Deze ouder staat bij deze leerling ook al in rij %(row)d."),
    "bad_role": _(
        "Onbekende rol ‘%(value)s’. Kies leerkracht, ib, directeur, vertrouwenspersoon, "
        "bestuur, fg of beheerder."
    ),
    "board_role_school": _("De rol %(role)s geldt voor het hele bestuur; laat de schoolcode leeg."),
    "school_role_no_school": _("Vul de schoolcode in: de rol %(role)s hoort bij een school."),
    "groups_not_teacher": _("Alleen leerkrachten worden aan groepen gekoppeld."),
    "unknown_group": _(
        "Groep %(value)s bestaat niet op %(school)s in schooljaar %(year)s. "
        "Importeer eerst de leerlingen."
    ),
    "name_differs": _("Voor %(value)s staat in rij %(row)d een andere naam."),
}

COUNT_LABELS: dict[str, Promise] = {
    "pupils_created": _("Leerlingen toegevoegd"),
    "pupils_updated": _("Leerlingen gewijzigd"),
    "groups_created": _("Groepen aangemaakt"),
    "guardians_created": _("Ouders/verzorgers toegevoegd"),
    "guardians_updated": _("Ouders/verzorgers gewijzigd"),
    "links_created": _("Ouders aan leerlingen gekoppeld"),
    "links_updated": _("Koppelingen ouder–leerling gewijzigd"),
    "staff_created": _("Medewerkers toegevoegd"),
    "roles_assigned": _("Rollen toegekend"),
    "teachers_added": _("Leerkrachten aan groepen gekoppeld"),
}

# --- the formats ------------------------------------------------------------------------

HELP: dict[str, Promise] = {
    "school_code": _("BRIN- of vestigingscode van de school, zoals die in Vangnet staat."),
    "student_number": _("Leerlingnummer uit de leerlingadministratie."),
    "first_name": _("Roepnaam."),
    "name_prefix": _("Tussenvoegsel, zoals ‘van der’."),
    "last_name": _("Achternaam."),
    "date_of_birth": _("JJJJ-MM-DD of DD-MM-JJJJ."),
    "group": _("Naam van de groep; een groep die nog niet bestaat, wordt aangemaakt."),
    "school_year": _("Zoals 2026-2027; leeg betekent het huidige schooljaar."),
    "eck_id": _("ECK iD van de leerling."),
    "enrolled_on": _("Datum van inschrijving."),
    "name": _("Volledige naam."),
    "email": _("Herkent dezelfde ouder bij een volgende import; zonder e-mailadres de naam."),
    "phone": _("Telefoonnummer."),
    "relation": _("moeder, vader, ouder, voogd, pleegouder of anders."),
    "parental_authority": _("Ouderlijk gezag: ja of nee."),
    "staff.email": _("Inlognaam. De medewerker kiest een wachtwoord via ‘wachtwoord vergeten’."),
    "full_name": _("Volledige naam."),
    "staff.school_code": _("Leeg voor bestuursbrede rollen: bestuur, fg en beheerder."),
    "role": _("leerkracht, ib, directeur, vertrouwenspersoon, bestuur, fg of beheerder."),
    "groups": _("Alleen voor leerkrachten: groepen van dit schooljaar, gescheiden door |."),
}


@dataclass(frozen=True)
class Column:
    kind: str
    name: str
    required: bool
    aliases: tuple[str, ...]

    @property
    def help(self) -> Promise:
        return HELP.get(f"{self.kind}.{self.name}") or HELP[self.name]


def _columns(kind: str, *specs: str) -> tuple[Column, ...]:
    """Each spec is 'name alias alias ...'; a '*' after the name marks a required value."""
    columns = []
    for spec in specs:
        name, *aliases = spec.split()
        columns.append(Column(kind, name.rstrip("*"), name.endswith("*"), tuple(aliases)))
    return tuple(columns)


_SCHOOL = "brin schoolcode brinnummer brin_vestiging vestigingscode"
_NUMBER = "student_number* leerlingnummer leerlingnr llnr studentnummer"
_EMAIL = "e-mail e-mailadres emailadres mail"
COLUMNS: dict[str, tuple[Column, ...]] = {
    "pupils": _columns(
        "pupils",
        f"school_code* {_SCHOOL}",
        _NUMBER,
        "first_name* roepnaam voornaam",
        "name_prefix tussenvoegsel tussenvoegsels voorvoegsel",
        "last_name* achternaam",
        "date_of_birth* geboortedatum",
        "group* groep klas groepsnaam",
        "school_year schooljaar",
        "eck_id eckid",
        "enrolled_on inschrijfdatum ingeschreven_op datum_inschrijving",
    ),
    "guardians": _columns(
        "guardians",
        f"school_code* {_SCHOOL}",
        _NUMBER,
        "name* naam naam_ouder",
        f"email {_EMAIL}",
        "phone telefoon telefoonnummer mobiel",
        "relation* relatie",
        "parental_authority* ouderlijk_gezag gezag",
    ),
    "staff": _columns(
        "staff",
        f"email* {_EMAIL}",
        "full_name* naam volledige_naam",
        f"school_code {_SCHOOL}",
        "role* rol functie",
        "groups groepen groep",
    ),
}
EXAMPLES = {
    "pupils": "brin;leerlingnummer;roepnaam;tussenvoegsel;achternaam;geboortedatum;groep\n"
    "11AA00;A502;Sam;van;Dijk;01-05-2016;Groep 5",
    "guardians": "school_code;student_number;name;email;phone;relation;parental_authority\n"
    "11AA00;A502;Ellen van Dijk;ellen@example.nl;06-12345678;moeder;ja",
    "staff": "email;full_name;school_code;role;groups\n"
    "j.jansen@school.nl;Jan Jansen;11AA00;leerkracht;Groep 5|Groep 6\n"
    "fg@bestuur.nl;Fatima Gül;;fg;",
}


def loose_key(text: str) -> str:
    """Compare names loosely: lower case, no accents, letters and digits only."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def _lookup(words: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {
        loose_key(word): value for value, aliases in words.items() for word in (value, *aliases)
    }


RELATIONS = _lookup(
    {
        "mother": ("moeder",),
        "father": ("vader",),
        "parent": ("ouder", "verzorger", "ouder/verzorger"),
        "guardian": ("voogd",),
        "foster": ("pleegouder", "foster parent"),
        "other": ("anders",),
    }
)
ROLES = _lookup(
    {
        Role.TEACHER: ("leerkracht", "leraar", "docent"),
        Role.CARE_COORDINATOR: ("ib", "ib'er", "intern begeleider", "zorgcoördinator"),
        Role.SAFETY_OFFICER: ("directeur", "directie", "coördinator sociale veiligheid"),
        Role.CONFIDENTIAL_ADVISER: ("vertrouwenspersoon",),
        Role.BOARD: ("bestuur", "bestuurder"),
        Role.PRIVACY_OFFICER: ("fg", "functionaris gegevensbescherming"),
        Role.ADMINISTRATOR: ("beheerder", "applicatiebeheerder"),
    }
)
_TRUE, _FALSE = {"ja", "j", "yes", "y", "1", "true", "waar"}, {"nee", "n", "no", "0", "false"}
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DUTCH_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")

# --- plain parsing ----------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int | None  # as in the file (header = 1); None: the file as a whole
    column: str
    code: str
    message: str


def row_error(number: int | None, column: str, code: str, **params: Any) -> RowError:
    message = str(MESSAGES[code])
    return RowError(number, column, code, message % params if params else message)


class FileError(Exception):
    """The file cannot be read as a table of this kind."""

    def __init__(self, *errors: RowError) -> None:
        super().__init__(*(e.message for e in errors))
        self.errors = list(errors)


@dataclass
class Table:
    headers: dict[str, str]  # field name -> the column name as written in the file
    rows: list[tuple[int, dict[str, str]]]  # (row number, field -> stripped value)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 (older Excel 'CSV')."""
    if len(data) > MAX_BYTES:
        raise FileError(row_error(None, "", "too_big"))
    if data.startswith(b"PK\x03\x04") or b"\x00" in data:
        raise FileError(row_error(None, "", "not_csv"))
    data = data.removeprefix(codecs.BOM_UTF8)
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    raise FileError(row_error(None, "", "encoding"))


def sniff_delimiter(header_line: str) -> str:
    """The separator the header uses most: ';' (Dutch Excel), ',' or a tab."""
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def map_headers(header: list[str], kind: str) -> dict[str, int]:
    """Field name -> column index. Unknown columns are ignored (exports hold many)."""
    lookup = {loose_key(a): c.name for c in COLUMNS[kind] for a in (c.name, *c.aliases)}
    found: dict[str, int] = {}
    errors = []
    for index, title in enumerate(header):
        name = lookup.get(loose_key(title))
        if name in found:
            other = header[found[name]].strip()
            errors.append(row_error(1, title.strip(), "double_column", other=other))
        if name is not None:
            found[name] = index
    for column in COLUMNS[kind]:
        if column.required and column.name not in found:
            names = ", ".join((column.name, *column.aliases))
            errors.append(row_error(1, column.name, "missing_column", names=names))
    if errors:
        raise FileError(*errors)
    return found


def read_table(data: bytes, kind: str) -> Table:
    text = decode(data)
    delimiter = sniff_delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        header = next(reader, [])
        if not any(cell.strip() for cell in header):
            raise FileError(row_error(1, "", "no_header"))
        columns = map_headers(header, kind)
        for number, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) >= MAX_ROWS:
                raise FileError(row_error(None, "", "too_many", max=MAX_ROWS))
            values = {f: record[i].strip() if i < len(record) else "" for f, i in columns.items()}
            rows.append((number, values))
    except csv.Error as exc:
        raise FileError(row_error(reader.line_num, "", "bad_csv", error=exc)) from None
    if not rows:
        raise FileError(row_error(None, "", "no_rows"))
    return Table({f: header[i].strip() for f, i in columns.items()}, rows)


def parse_date(value: str) -> dt.date:
    """YYYY-MM-DD or DD-MM-YYYY (also with / or .); raises ValueError."""
    if match := _ISO_DATE.fullmatch(value):
        year, month, day = match.groups()
    elif match := _DUTCH_DATE.fullmatch(value):
        day, month, year = match.groups()
    else:
        raise ValueError(value)
    return dt.date(int(year), int(month), int(day))


def parse_bool(value: str) -> bool:
    word = value.strip().lower()
    if word not in _TRUE | _FALSE:
        raise ValueError(value)
    return word in _TRUE


def parse_school_year(value: str) -> str:
    year = value.replace("/", "-").replace(" ", "")
    school_year_bounds(year)  # raises ValueError
    return year
