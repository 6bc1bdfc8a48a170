"""`vangnet demo`: the documented accounts, idempotent, a verifiable audit chain."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from tests.world import has_totp
from vangnet.accounts.models import User
from vangnet.concerns.models import Concern, CorrectionRequest, ParentView
from vangnet.core.audit import verify
from vangnet.demo.build import ACCOUNTS, totp_secret
from vangnet.organisations.models import Board, Pupil, School

pytestmark = pytest.mark.django_db


def test_demo_is_complete_and_idempotent():
    out = io.StringIO()
    call_command("demo", "--pupils-per-group", "3", stdout=out)
    assert "demo data loaded" in out.getvalue()
    for account in ACCOUNTS:
        user = User.objects.get(email=account.email)
        assert user.check_password("vangnet-demo") and has_totp(user)
        assert totp_secret(account.email) in out.getvalue()
    assert Board.objects.count() == 2
    assert School.objects.filter(sector="PO").count() == 6
    assert Pupil.objects.filter(school__sector="PO").count() == 6 * 8 * 3
    assert Concern.objects.filter(kind="conversation").exists()
    assert Concern.objects.filter(shares__isnull=False).exists()
    assert ParentView.objects.exists() and CorrectionRequest.objects.filter(decision="").exists()
    counts = (Pupil.objects.count(), Concern.objects.count(), User.objects.count())
    again = io.StringIO()
    call_command("demo", stdout=again)
    assert "already present" in again.getvalue()
    assert (Pupil.objects.count(), Concern.objects.count(), User.objects.count()) == counts
    assert all(report.ok for report in verify())
