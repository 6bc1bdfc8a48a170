"""In-app notifications: idempotent, after the caller's commit, the user's own only, an
unread counter in the header; e-mail only when configured, once, and without case content."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from vangnet.core import notify as notify_mod
from vangnet.core.models import Notification
from vangnet.core.notify import Note, notify, notify_many, send_notification_emails

pytestmark = pytest.mark.django_db

# Tests other than the two about commits create at once: a test runs in a transaction that
# never commits, so on_commit callbacks would not fire.
SECRET_TITLE = "Uiterlijk vandaag: Stap 1 afronden in ZT-00042 (Anna V.)"


def test_notify_is_idempotent_on_user_and_key(world):
    care = world["care_a"]
    notify(care, "case-task:1:due", SECRET_TITLE, "/trajecten/1/", at_once=True)
    notify(care, "case-task:1:due", "another text", "/elders/", at_once=True)
    notify_many(
        [Note(care.pk, "case-task:1:due", "x"), Note(care.pk, "case-task:2:due", "y")],
        at_once=True,
    )
    assert Notification.objects.filter(user=care).count() == 2
    first = Notification.objects.get(key="case-task:1:due")
    assert first.title == SECRET_TITLE and first.url == "/trajecten/1/"
    notify(world["teacher_a"], "case-task:1:due", "z", at_once=True)  # the key is unique per user
    assert Notification.objects.count() == 3


def test_notify_waits_for_the_callers_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        notify(world["care_a"], "k", "t")
        assert not Notification.objects.exists()  # not before the commit
    assert len(callbacks) == 1 and Notification.objects.count() == 1


def test_a_rolled_back_action_notifies_no_one(world, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(world["care_a"], "k", "t")
        raise RuntimeError
    assert not Notification.objects.exists()


def test_the_page_lists_only_the_users_own_newest_first(world, client_for):
    care = world["care_a"]
    notify(care, "old", "Oudere herinnering", "/taken/", at_once=True)
    notify(care, "new", "Nieuwe herinnering", at_once=True)
    notify(world["teacher_a"], "other", "Van een ander", at_once=True)
    Notification.objects.filter(key="old").update(created_at=timezone.now() - dt.timedelta(days=1))
    page = client_for("care_a").get("/meldingen/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("Nieuwe herinnering") < html.index("Oudere herinnering")
    assert '<a href="/taken/">Oudere herinnering</a>' in html
    assert "Van een ander" not in html
    assert "Alles als gelezen markeren" in html


def test_mark_all_read(world, client_for):
    care = world["care_a"]
    notify(care, "a", "A", at_once=True)
    notify(care, "b", "B", at_once=True)
    notify(world["teacher_a"], "c", "C", at_once=True)
    client = client_for("care_a")
    assert client.get("/meldingen/gelezen/").status_code == 405  # POST only
    response = client.post("/meldingen/gelezen/")
    assert response.status_code == 302 and response["Location"] == "/meldingen/"
    assert not Notification.objects.filter(user=care, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=world["teacher_a"], read_at__isnull=True).count() == 1
    assert "Alles als gelezen markeren" not in client.get("/meldingen/").content.decode()


def test_anonymous_users_are_sent_to_the_login(client):
    assert client.get("/meldingen/")["Location"].startswith("/accounts/login/")
    assert client.post("/meldingen/gelezen/")["Location"].startswith("/accounts/login/")


def test_the_header_counts_unread_notifications_in_one_query(world, client_for):
    client = client_for("teacher_a")
    html = client.get("/meldingen/").content.decode()
    assert 'class="notifications-link">Meldingen</a>' in html  # no badge without unread
    with CaptureQueriesContext(connection) as before:
        client.get("/scholen/")
    for i in range(5):
        notify(world["teacher_a"], f"k{i}", f"Herinnering {i}", at_once=True)
    with CaptureQueriesContext(connection) as after:
        html = client.get("/scholen/").content.decode()
    assert len(after.captured_queries) == len(before.captured_queries)
    counts = [q["sql"] for q in after.captured_queries if "core_notification" in q["sql"]]
    assert len(counts) == 1 and "COUNT" in counts[0].upper()
    assert '<span class="badge">5<span class="visually-hidden"> ongelezen</span>' in html


# --- e-mail -------------------------------------------------------------------------------


def test_without_an_smtp_server_nothing_is_mailed(world, settings):
    settings.EMAIL_HOST = ""
    notify(world["care_a"], "k", SECRET_TITLE, at_once=True)
    assert send_notification_emails() == "e-mail not configured; nothing sent"
    assert mail.outbox == []
    assert Notification.objects.get().emailed_at is None


def test_with_an_smtp_server_each_user_is_mailed_once_without_case_content(world, settings):
    settings.EMAIL_HOST = "smtp.example.invalid"
    settings.SITE_URL = "https://vangnet.example.nl/"
    notify(world["care_a"], "a", SECRET_TITLE, "/trajecten/42/", at_once=True)
    notify(world["care_a"], "b", "Stap loopt achter in ZT-00042", at_once=True)
    notify(world["teacher_a"], "c", "Datum verstreken: Let op Anna", at_once=True)
    Notification.objects.create(
        user=world["director_a"], key="read", title="t", read_at=timezone.now()
    )

    assert send_notification_emails() == "2 e-mails sent"
    assert sorted(m.to[0] for m in mail.outbox) == [
        world["care_a"].email,
        world["teacher_a"].email,
    ]
    for message in mail.outbox:
        text = message.subject + message.body
        assert "Er staat een herinnering voor u klaar in Vangnet." in message.body
        assert "https://vangnet.example.nl/meldingen/" in message.body
        for secret in ("ZT-", "Anna", "Visser", "Stap", "trajecten", "/42"):
            assert secret not in text
    assert not Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True).exists()
    assert Notification.objects.get(key="read").emailed_at is None  # already read: not mailed

    assert send_notification_emails() == "0 e-mails sent"  # a second worker finds nothing
    assert len(mail.outbox) == 2


def test_a_notification_another_worker_claimed_is_not_mailed_again(world, settings):
    settings.EMAIL_HOST = "smtp.example.invalid"
    notify(world["care_a"], "a", "A", at_once=True)
    pending = list(Notification.objects.values_list("pk", flat=True))
    Notification.objects.filter(pk__in=pending).update(emailed_at=timezone.now())  # the other
    assert send_notification_emails() == "0 e-mails sent"
    assert mail.outbox == []


def test_a_failed_mail_is_tried_again_next_run(world, settings, monkeypatch):
    settings.EMAIL_HOST = "smtp.example.invalid"
    notify(world["care_a"], "a", "A", at_once=True)

    def broken(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(notify_mod, "send_mail", broken)
    assert "1 failed" in send_notification_emails()
    assert Notification.objects.get().emailed_at is None
    monkeypatch.undo()
    assert send_notification_emails() == "1 e-mails sent"


def test_stale_notifications_are_not_mailed(world, settings):
    settings.EMAIL_HOST = "smtp.example.invalid"
    notify(world["care_a"], "a", "A", at_once=True)
    Notification.objects.update(created_at=timezone.now() - notify_mod.EMAIL_WITHIN * 2)
    assert send_notification_emails() == "0 e-mails sent"
