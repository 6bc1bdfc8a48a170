"""The administrator gives and takes roles; every change is audited."""

from __future__ import annotations

import pytest

from vangnet.accounts.models import User
from vangnet.core.models import AuditEvent, EventType
from vangnet.core.roles import Role
from vangnet.organisations.models import RoleAssignment

pytestmark = pytest.mark.django_db


def post(client, world, **data):
    url = f"/besturen/{world.board.pk}/medewerkers/"
    token = client.get(url).context["form"].initial["submission_token"]
    return client.post(url, {"submission_token": token, **data})


def test_assign_a_role_to_a_new_colleague(world, client_for):
    client = client_for("admin")
    response = post(
        client,
        world,
        email="Nieuw@School.nl",
        full_name="Nina Nieuw",
        role=Role.TEACHER,
        school=world.school_a.pk,
    )
    assert response.status_code == 302
    user = User.objects.get(email="nieuw@school.nl")
    assert not user.has_usable_password()
    assert RoleAssignment.objects.filter(
        user=user, role=Role.TEACHER, school=world.school_a
    ).exists()
    types = list(
        AuditEvent.objects.filter(board_id=world.board.pk).values_list("event_type", flat=True)
    )
    assert EventType.STAFF_CREATED in types and EventType.ROLE_ASSIGNED in types


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"role": Role.BOARD, "school": "SCHOOL"}, "laat de school leeg"),
        ({"role": Role.TEACHER, "school": ""}, "Kies de school"),
        ({"role": Role.TEACHER, "school": "SCHOOL", "full_name": ""}, "vul de naam in"),
        ({"email": "geen-adres", "role": Role.TEACHER, "school": "SCHOOL"}, "geldig e-mailadres"),
    ],
)
def test_bad_input_is_explained_and_kept(world, client_for, data, message):
    fields = {"email": "x@school.nl", "full_name": "X", **data}
    if fields["school"] == "SCHOOL":
        fields["school"] = world.school_a.pk
    response = post(client_for("admin"), world, **fields)
    html = response.content.decode()
    assert response.status_code == 200 and message in html
    assert f'value="{fields["email"]}"' in html
    assert not RoleAssignment.objects.filter(user__email=fields["email"]).exists()


def test_revoke_and_keep_the_last_administrator(world, client_for):
    client = client_for("admin")
    base = f"/besturen/{world.board.pk}/medewerkers/"
    client.post(f"{base}{world.assignment.pk}/intrekken/")
    assert not RoleAssignment.objects.filter(pk=world.assignment.pk).exists()
    assert AuditEvent.objects.filter(event_type=EventType.ROLE_REVOKED).exists()
    own = RoleAssignment.objects.get(user=world["admin"], role=Role.ADMINISTRATOR)
    response = client.post(f"{base}{own.pk}/intrekken/", follow=True)
    assert "laatste beheerder" in response.content.decode()
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


def test_assignment_of_another_board_is_404(world, client_for):
    other = RoleAssignment.objects.filter(board=world.other_board).first()
    url = f"/besturen/{world.board.pk}/medewerkers/{other.pk}/intrekken/"
    assert client_for("admin").post(url).status_code == 404


def test_an_administrator_cannot_give_themselves_a_role(world, client_for):
    response = post(
        client_for("admin"),
        world,
        email=world["admin"].email,
        full_name="",
        role=Role.CARE_COORDINATOR,
        school=world.school_a.pk,
    )
    assert "jezelf geen rol" in response.content.decode()
    assert not RoleAssignment.objects.filter(
        user=world["admin"], role=Role.CARE_COORDINATOR
    ).exists()
