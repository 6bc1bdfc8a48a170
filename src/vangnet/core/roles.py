"""The roles of Vangnet. Permissions stay with the role; boards only rename them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TEACHER = "teacher", _("Leerkracht")
    CARE_COORDINATOR = "care_coordinator", _("Intern begeleider / aandachtsfunctionaris")
    SAFETY_OFFICER = "safety_officer", _("Directeur / coördinator sociale veiligheid")
    CONFIDENTIAL_ADVISER = "confidential_adviser", _("Vertrouwenspersoon")
    BOARD = "board", _("Bestuur")
    PRIVACY_OFFICER = "privacy_officer", _("Functionaris gegevensbescherming")
    ADMINISTRATOR = "administrator", _("Beheerder")


# Roles held for the whole board rather than for one school.
BOARD_ROLES = frozenset({Role.BOARD, Role.PRIVACY_OFFICER, Role.ADMINISTRATOR})
# Roles that see every pupil of their school.
SCHOOL_WIDE_ROLES = frozenset({Role.CARE_COORDINATOR, Role.SAFETY_OFFICER})
# Every role can reach personal data (pupil pages, audit trails, the pupil import), so
# every role must log in with a second factor.
MFA_REQUIRED_ROLES = frozenset(Role)
