"""Queries per request at two sizes: a page whose query count grows with its data has an
N+1 problem. Counted in this process with Django's test client and the benchmark's
session (the same login the load uses) and API token."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from vangnet.bench.setup import DOSSIER_ENTRIES, Fixture, add_dossier, add_guardians
from vangnet.organisations.models import Pupil


@dataclass(frozen=True)
class QueryCount:
    name: str
    small_label: str
    small: int
    large_label: str
    large: int

    @property
    def constant(self) -> bool:
        return self.small == self.large

    def line(self) -> str:
        verdict = "constant" if self.constant else "NOT constant"
        return (
            f"{self.name}: {self.small} queries ({self.small_label}), "
            f"{self.large} queries ({self.large_label}) - {verdict}"
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            self.small_label: self.small,
            self.large_label: self.large,
            "constant": self.constant,
        }


def count_queries(client: Client, path: str, **headers: str) -> tuple[int, bytes]:
    """Queries of one GET after a warm-up GET (the first may fill caches)."""
    client.get(path, **headers)  # type: ignore[arg-type]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **headers)  # type: ignore[arg-type]
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}, not 200")
    return len(captured.captured_queries), response.content


def session_client(session_key: str) -> Client:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client


def pupil_page_counts(client: Client, pupil_id: int) -> QueryCount:
    pupil = Pupil.objects.select_related("school").get(pk=pupil_id)
    path = f"/leerlingen/{pupil_id}/"
    few = add_guardians(pupil, 1)
    small, _ = count_queries(client, path)
    many = add_guardians(pupil, 4)
    large, _ = count_queries(client, path)
    return QueryCount(
        "pupil page",
        f"{few} guardian" + ("s" if few != 1 else ""),
        small,
        f"{many} guardians",
        large,
    )


def api_list_counts(client: Client, token: str) -> QueryCount:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    small, body_small = count_queries(client, "/api/v1/pupils?limit=10", **auth)
    large, body_large = count_queries(client, "/api/v1/pupils?limit=100", **auth)
    rows_small, rows_large = len(json.loads(body_small)), len(json.loads(body_large))
    return QueryCount(
        "api list", f"limit=10 ({rows_small} rows)", small, f"limit=100 ({rows_large} rows)", large
    )


def dossier_counts(client: Client, fixture: Fixture) -> QueryCount:
    """The pupil page with the pupil's few demo entries, then with DOSSIER_ENTRIES more
    over eight school years (the load scenario "dossier page" uses that pupil)."""
    from vangnet.concerns.models import Concern

    pupil = Pupil.objects.select_related("school").get(pk=fixture.dossier_id)
    path = f"/leerlingen/{pupil.pk}/"
    before = Concern.objects.filter(pupil=pupil).count()
    small, _ = count_queries(client, path)
    added = add_dossier(pupil, fixture.user, DOSSIER_ENTRIES)
    large, _ = count_queries(client, path)
    return QueryCount(
        "dossier page", f"{before} entries", small, f"{before + added} entries", large
    )


def query_counts(fixture: Fixture) -> list[QueryCount]:
    client = session_client(fixture.session_key)
    return [
        pupil_page_counts(client, fixture.few_id),
        api_list_counts(client, fixture.token),
        dossier_counts(client, fixture),
    ]
