"""In-app notifications, and the e-mail that says one is waiting.

:func:`notify` is idempotent on ``(user, key)`` (the unique constraint
``notification_once``): calling it twice for the same thing leaves one notification. Called
inside a transaction it waits for the commit (an action that rolls back notifies no one);
the worker passes ``at_once=True`` so that a claimed reminder and its notification are one
write.

E-mail (:func:`send_notification_emails`, a periodic job) only runs when an SMTP server is
configured (``VANGNET_EMAIL_HOST``). Each notification is claimed with a conditional update
(``emailed_at`` empty → now) before it is mailed, so two workers never mail it twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vangnet.core.models import Notification

if TYPE_CHECKING:
    from vangnet.accounts.models import User

# Notifications older than this are not mailed any more (e.g. when e-mail is configured
# after months of in-app use): the reminder is stale by then.
EMAIL_WITHIN = dt.timedelta(days=3)
EMAIL_BATCH = 500


@dataclass(frozen=True)
class Note:
    """A notification to be created: for whom, its key (what makes it unique), text, link."""

    user_id: int
    key: str
    title: str
    url: str = ""


def notify(user: User, key: str, title: str, url: str = "", *, at_once: bool = False) -> None:
    """Notify ``user`` once about ``key``. See :func:`notify_many`."""
    notify_many([Note(user.pk, key, title, url)], at_once=at_once)


def notify_many(notes: Iterable[Note], *, at_once: bool = False) -> None:
    """Create the notifications that do not exist yet (by user and key). Inside a
    transaction they are created after it commits, unless ``at_once``."""
    rows = [
        Notification(user_id=n.user_id, key=n.key[:120], title=n.title[:300], url=n.url[:300])
        for n in notes
    ]
    if not rows:
        return

    def create() -> None:
        Notification.objects.bulk_create(rows, ignore_conflicts=True)

    if at_once:
        create()
    else:
        transaction.on_commit(create)  # runs at once outside a transaction


def unread_count(user: User) -> int:
    """One indexed COUNT (``notification_unread``: user, read_at)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_all_read(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- e-mail ---------------------------------------------------------------------------------


def site_url() -> str:
    """The address people open Vangnet at, for links in e-mail."""
    configured: str = getattr(settings, "SITE_URL", "")
    if configured:
        return configured.rstrip("/")
    hosts = [h for h in settings.ALLOWED_HOSTS if h and "*" not in h and not h.startswith(".")]
    return f"https://{hosts[0]}" if hosts else "http://localhost:8000"


def email_text() -> tuple[str, str]:
    """Subject and body. Always the same text, whatever the notification is about.

    E-mail is not a safe channel for special-category data (health, safety at home, the
    Meldcode): it is stored unencrypted on mail servers outside the school's control,
    forwarded, read on shared devices and kept long after the case is closed. So the
    e-mail never names a pupil, a case reference or what the reminder is about; it only
    says that something is waiting, and the link leads to the notifications page, which
    asks for the login with a second factor and checks access again.
    """
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Herinnering in Vangnet")
        body = "\n\n".join(
            [
                _("Er staat een herinnering voor u klaar in Vangnet."),
                site_url() + reverse("notifications"),
                _("Dit bericht is automatisch verstuurd; u kunt er niet op antwoorden."),
            ]
        )
    return subject, body


def send_notification_emails() -> str:
    """Mail each user with new unread notifications once (one message per user per run)."""
    if not settings.EMAIL_HOST:
        return "e-mail not configured; nothing sent"
    now = timezone.now()
    pending = list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            read_at__isnull=True,
            created_at__gte=now - EMAIL_WITHIN,
            user__is_active=True,
        )
        .exclude(user__email="")
        .order_by("id")
        .values_list("id", "user_id", "user__email")[:EMAIL_BATCH]
    )
    claimed: dict[tuple[int, str], list[int]] = {}
    for pk, user_id, email in pending:
        # the claim: of two workers, exactly one turns emailed_at from empty to now
        if Notification.objects.filter(pk=pk, emailed_at__isnull=True).update(emailed_at=now):
            claimed.setdefault((user_id, email), []).append(pk)
    subject, body = email_text()
    sent = failed = 0
    for (_user_id, email), ids in claimed.items():
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
        except Exception:  # any mail error (SMTP, network): try again next run
            Notification.objects.filter(pk__in=ids, emailed_at=now).update(emailed_at=None)
            failed += 1
        else:
            sent += 1
    result = f"{sent} e-mails sent"
    return result + (f", {failed} failed (retried next run)" if failed else "")
