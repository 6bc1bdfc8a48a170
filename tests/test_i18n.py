"""Translations: Dutch is the source language, the English catalogue is complete, compiled
and covers every string marked for translation; pages switch language per request."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

import vangnet

PACKAGE_DIR = Path(vangnet.__file__).resolve().parent
EN_DIR = PACKAGE_DIR / "locale" / "en" / "LC_MESSAGES"
PO_PATH = EN_DIR / "django.po"
MO_PATH = EN_DIR / "django.mo"
# Run from src/vangnet (`../../.venv/bin/vangnet makemessages ...`) to update the catalogue.
MAKEMESSAGES = ["makemessages", "-l", "en", "--no-obsolete", "--ignore", "static/*"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def catalogue() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def describe(entry: polib.POEntry | polib.MOEntry) -> str:
    return f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid


def test_english_catalogue_is_complete() -> None:
    po = catalogue()
    assert len(po) > 100, "the catalogue looks empty; run makemessages"
    assert [describe(e) for e in po.untranslated_entries()] == []
    assert [describe(e) for e in po.fuzzy_entries()] == []
    assert [describe(e) for e in po.obsolete_entries()] == []
    assert po.metadata.get("Language") == "en"


def test_translations_keep_their_placeholders() -> None:
    wrong = []
    for entry in catalogue():
        if entry.msgid_plural:
            pairs = [
                (entry.msgid, entry.msgstr_plural[0]),
                (entry.msgid_plural, entry.msgstr_plural[1]),
            ]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, target in pairs:
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(target)):
                wrong.append(source)
    assert wrong == []


def mo_entries(mo: polib.MOFile) -> set[tuple[object, ...]]:
    return {
        (
            e.msgctxt,
            e.msgid,
            e.msgid_plural,
            e.msgstr,
            tuple(sorted(e.msgstr_plural.items())),
        )
        for e in mo
    }


def test_compiled_catalogue_is_up_to_date(tmp_path: Path) -> None:
    fresh = tmp_path / "django.mo"
    catalogue().save_as_mofile(str(fresh))
    stale = mo_entries(polib.mofile(str(fresh))) ^ mo_entries(polib.mofile(str(MO_PATH)))
    assert not stale, (
        "django.mo does not match django.po; run `vangnet compilemessages` from "
        f"src/vangnet (differences: {sorted(map(str, stale))[:5]})"
    )


def test_every_marked_string_is_in_the_catalogue(tmp_path: Path) -> None:
    missing_tools = [t for t in ("xgettext", "msguniq") if shutil.which(t) is None]
    if missing_tools:
        pytest.skip(
            f"GNU gettext is not installed ({', '.join(missing_tools)} missing); "
            "`make browser-deps` installs Debian's gettext package"
        )
    copy = tmp_path / "vangnet"
    shutil.copytree(
        PACKAGE_DIR,
        copy,
        ignore=shutil.ignore_patterns("static", "locale", "__pycache__"),
    )
    (copy / "locale").mkdir()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "vangnet.settings"}
    # -P: do not put the copy on sys.path; `vangnet.settings` comes from the installed package.
    # The copy's own locale/ comes first, so nothing is written to the real catalogue.
    result = subprocess.run(
        [sys.executable, "-P", "-m", "django", *MAKEMESSAGES],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr.lower(), result.stderr

    def keys(po: polib.POFile) -> set[tuple[str | None, str, str]]:
        return {(e.msgctxt, e.msgid, e.msgid_plural) for e in po if not e.obsolete}

    in_code = keys(polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")))
    committed = keys(catalogue())
    assert sorted(in_code - committed, key=str) == [], (
        "strings marked for translation are missing from the catalogue: run makemessages "
        "and translate them"
    )
    assert sorted(committed - in_code, key=str) == [], (
        "the catalogue has strings the code no longer uses: run makemessages --no-obsolete"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("how", "language", "expected", "absent"),
    [
        ("header", "en", "My groups", "Mijn groepen"),
        ("cookie", "en", "My groups", "Mijn groepen"),
        ("header", "nl", "Mijn groepen", "My groups"),
        ("cookie", "nl", "Mijn groepen", "My groups"),
        ("default", None, "Mijn groepen", "My groups"),
    ],
)
def test_start_page_switches_language(
    world, client_for, how: str, language: str | None, expected: str, absent: str
) -> None:
    client = client_for("teacher_a")
    extra = {}
    if how == "header":
        extra["HTTP_ACCEPT_LANGUAGE"] = language
    elif how == "cookie":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/", **extra)
    assert response.status_code == 200
    html = response.content.decode()
    assert expected in html and absent not in html
    assert f'<html lang="{language or settings.LANGUAGE_CODE}">' in html


@pytest.mark.django_db
def test_counted_words_use_their_own_entry(world, client_for) -> None:
    """ "leerling" is also a model name; the counted form on the start page has a context."""
    html = client_for("care_a").get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "pupils · 2 groups" in html


@pytest.mark.django_db
def test_language_menu_stores_the_choice(world, client_for) -> None:
    client = client_for("teacher_a")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "My groups" in client.get("/").content.decode()
