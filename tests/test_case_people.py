"""Who is in a case, what colleagues are asked to do, and the pupil page's "Zorgtrajecten".

The rules under test (issue 5, "Who sees what"): a Meldcode case is visible only to the
care coordinator(s) who own it, the director of the school, and people explicitly added to
it; teachers see that a case exists for their pupil and what they are asked to do, not its
content.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from tests.world import World, make_user
from vangnet.cases import actions
from vangnet.cases.models import Case, CaseMember, CaseRecord, CaseTask
from vangnet.cases.people_views import case_tasks_context
from vangnet.core.audit import Actor
from vangnet.core.models import AuditEvent, EventType
from vangnet.core.roles import Role
from vangnet.organisations.models import RoleAssignment

pytestmark = pytest.mark.django_db

# A sentence only the case's content holds: it must never reach someone who may not read it.
SECRET = "Blauwe plek op de bovenarm, drie dagen achter elkaar."


def with_content(world: World) -> CaseRecord:
    return actions.do_add_record(
        world.case,
        "observation",
        {
            "observed_on": timezone.localdate(),
            "observed_by": "Juf A",
            "what": SECRET,
            "source": "own",
            "objectified": "",
        },
        actor=Actor(world["care_a"]),
    )


def pupil_url(world: World) -> str:
    return f"/leerlingen/{world.pupil_a5.pk}/"


def case_url(world: World, tail: str = "") -> str:
    return f"/trajecten/{world.case.pk}/{tail}"


def owner_membership(world: World) -> CaseMember:
    return world.case.members.get(user=world["care_a"])


# --- the pupil page ---------------------------------------------------------------------------


def test_teacher_sees_that_a_case_exists_and_their_task_but_not_the_content(world, client_for):
    with_content(world)
    client = client_for("teacher_a")
    response = client.get(pupil_url(world))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Zorgtrajecten" in page
    assert "Meldcode huiselijk geweld en kindermishandeling" in page
    assert "Care A" in page  # the owner's name
    assert world.task.title.replace("'", "&#x27;") in page
    assert f"/taken/{world.task.pk}/gedaan/" in page
    assert case_url(world) not in page  # no link to a case they cannot read
    assert SECRET not in page
    # the teacher may start the behaviour ladder; the Meldcode is started by IB or director
    start = client.get(f"/leerlingen/{world.pupil_a5.pk}/trajecten/nieuw/").content.decode()
    assert "Stappenplan grensoverschrijdend gedrag" in start
    assert "Meldcode huiselijk geweld en kindermishandeling" not in start
    # and the case itself stays closed to them, its member page and request page too
    assert client.get(case_url(world)).status_code == 404
    assert client.get(case_url(world, "betrokkenen/")).status_code == 404
    assert client.get(case_url(world, "verzoek/")).status_code == 404


@pytest.mark.parametrize(
    ("persona", "link", "start"),
    [("care_a", True, True), ("director_a", True, True), ("teacher_a", False, True)],
)
def test_pupil_page_links_to_the_case_only_for_readers(world, client_for, persona, link, start):
    page = client_for(persona).get(pupil_url(world)).content.decode()
    assert ('href="' + case_url(world) + '"' in page) is link
    assert (f"/leerlingen/{world.pupil_a5.pk}/trajecten/nieuw/" in page) is start


def test_care_coordinator_who_is_not_a_member_sees_existence_only(world, client_for):
    other_care = make_user("care.two@test.invalid", "Care Twee")
    RoleAssignment.objects.create(
        user=other_care, role=Role.CARE_COORDINATOR, board=world.board, school=world.school_a
    )
    with_content(world)
    client = client_for("teacher_a")
    client.force_login(other_care)
    page = client.get(pupil_url(world)).content.decode()
    assert "Meldcode huiselijk geweld en kindermishandeling" in page
    assert 'href="' + case_url(world) + '"' not in page
    assert SECRET not in page
    assert client.get(case_url(world)).status_code == 404
    assert client.get(case_url(world, "betrokkenen/")).status_code == 404


def test_overdue_task_is_marked(world, client_for):
    CaseTask.objects.filter(pk=world.task.pk).update(
        due_on=timezone.localdate() - dt.timedelta(days=1)
    )
    page = client_for("teacher_a").get(pupil_url(world)).content.decode()
    assert "te laat" in page


@pytest.mark.parametrize("persona", ["teacher_b", "other_board", "adviser_a", "board"])
def test_outsiders_see_neither_pupil_nor_case(world, client_for, persona):
    client = client_for(persona)
    assert client.get(pupil_url(world)).status_code == 404
    assert client.get(case_url(world)).status_code == 404
    assert client.get(case_url(world, "betrokkenen/")).status_code == 404
    assert client.post(case_url(world, "betrokkenen/")).status_code == 404
    assert client.get(case_url(world, "verzoek/")).status_code == 404
    assert client.post(f"/taken/{world.task.pk}/gedaan/").status_code == 404
    assert SECRET not in client.get("/taken/").content.decode()


def test_pupil_page_queries_stay_bounded_with_twenty_cases(
    world, client_for, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("teacher_a")
    client.get(pupil_url(world))  # warm the session
    with CaptureQueriesContext(connection) as one_case:
        assert client.get(pupil_url(world)).status_code == 200
    for i in range(20):
        case = Case.objects.create(
            pupil=world.pupil_a5,
            school=world.school_a,
            protocol="meldcode",
            protocol_version=1,
            current_step="signals",
            opened_by=world["care_a"],
        )
        CaseMember.objects.create(
            case=case, user=world["care_a"], kind=CaseMember.Kind.OWNER, added_by=world["care_a"]
        )
        CaseTask.objects.create(
            case=case,
            kind=CaseTask.Kind.REQUEST,
            title=f"Verzoek {i}",
            due_on=timezone.localdate() + dt.timedelta(days=i),
            assignee=world["teacher_a"],
            created_by=world["care_a"],
        )
    with django_assert_max_num_queries(len(one_case.captured_queries)):
        response = client.get(pupil_url(world))
    assert len(response.context["pupil_cases"]) == 21
    assert len(response.context["pupil_case_tasks"]) == 21


def test_pupil_page_adds_at_most_three_queries_for_cases(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("care_a")
    client.get(pupil_url(world))
    with CaptureQueriesContext(connection) as with_case:
        client.get(pupil_url(world))
    Case.objects.all().delete()
    with CaptureQueriesContext(connection) as without:
        client.get(pupil_url(world))
    assert len(with_case.captured_queries) - len(without.captured_queries) <= 2
    sql = " ".join(q["sql"] for q in without.captured_queries)
    assert "cases_case" in sql  # the one query that finds no case


# --- members ----------------------------------------------------------------------------------


def test_director_reads_the_case_and_takes_it_over(world, client_for):
    with_content(world)
    client = client_for("director_a")
    assert client.get(case_url(world)).status_code == 200
    page = client.get(case_url(world, "betrokkenen/")).content.decode()
    assert "Care A" in page and "Mijzelf eigenaar maken" in page
    assert "leest het hele zorgtraject" in page  # the page says what adding means
    token = client.get(case_url(world, "betrokkenen/")).context["takeover"]["submission_token"]
    response = client.post(
        case_url(world, "betrokkenen/"),
        {
            "user": world["director_a"].pk,
            "kind": "owner",
            "submission_token": token.value(),
        },
    )
    assert response.status_code == 302
    member = world.case.members.get(user=world["director_a"])
    assert member.kind == CaseMember.Kind.OWNER
    # now the director is an owner, they may remove the care coordinator
    response = client.post(
        case_url(world, f"betrokkenen/{owner_membership(world).pk}/verwijderen/")
    )
    assert response.status_code == 302
    assert not world.case.members.filter(user=world["care_a"]).exists()
    assert AuditEvent.objects.filter(event_type=EventType.CASE_MEMBER_REMOVED).count() == 1


def test_owner_adds_a_teacher_who_then_reads_the_case(world, client_for):
    with_content(world)
    client = client_for("care_a")
    get = client.get(case_url(world, "betrokkenen/"))
    choices = dict(get.context["form"].fields["user"].choices)
    assert world["teacher_a"].pk in choices and world["care_a"].pk not in choices
    assert world["teacher_b"].pk not in choices  # another school
    response = client.post(
        case_url(world, "betrokkenen/"),
        {
            "action": "add",
            "user": world["teacher_a"].pk,
            "kind": "member",
            "submission_token": get.context["form"]["submission_token"].value(),
        },
    )
    assert response.status_code == 302
    teacher = client_for("teacher_a")
    assert teacher.get(case_url(world)).status_code == 200
    # an added colleague reads the member list but may not change it
    assert teacher.get(case_url(world, "betrokkenen/")).status_code == 200
    assert teacher.post(case_url(world, "betrokkenen/")).status_code == 403
    member = world.case.members.get(user=world["teacher_a"])
    assert teacher.post(case_url(world, f"betrokkenen/{member.pk}/verwijderen/")).status_code == 403
    # and the pupil page now links to the case
    assert 'href="' + case_url(world) + '"' in teacher.get(pupil_url(world)).content.decode()


def test_a_colleague_of_another_school_cannot_be_added(world, client_for):
    client = client_for("care_a")
    token = client.get(case_url(world, "betrokkenen/")).context["form"]["submission_token"]
    response = client.post(
        case_url(world, "betrokkenen/"),
        {"user": world["teacher_b"].pk, "kind": "member", "submission_token": token.value()},
    )
    assert response.status_code == 200
    assert "Kies een collega uit de lijst." in response.content.decode()
    assert not world.case.members.filter(user=world["teacher_b"]).exists()


def test_the_last_owner_cannot_be_removed(world, client_for):
    client = client_for("care_a")
    url = case_url(world, f"betrokkenen/{owner_membership(world).pk}/verwijderen/")
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "Een traject heeft altijd een eigenaar" in response.content.decode()
    assert owner_membership(world).kind == CaseMember.Kind.OWNER


def test_promote_a_member_to_owner(world, client_for):
    actions.do_add_member(
        world.case, world["teacher_a"], kind=CaseMember.Kind.MEMBER, actor=Actor(world["care_a"])
    )
    client = client_for("care_a")
    page = client.get(case_url(world, "betrokkenen/"))
    member = next(m for m in page.context["members"] if m.user_id == world["teacher_a"].pk)
    response = client.post(
        case_url(world, "betrokkenen/"),
        {
            "action": "promote",
            "member": member.pk,
            "submission_token": member.promote_form["submission_token"].value(),
        },
    )
    assert response.status_code == 302
    assert world.case.members.get(user=world["teacher_a"]).kind == CaseMember.Kind.OWNER


def test_member_of_another_case_cannot_be_removed_here(world, client_for):
    other = actions.do_open_case(world.pupil_a6, "meldcode", actor=Actor(world["director_a"]))
    foreign = other.members.get()
    client = client_for("care_a")
    url = case_url(world, f"betrokkenen/{foreign.pk}/verwijderen/")
    assert client.post(url).status_code == 404
    assert CaseMember.objects.filter(pk=foreign.pk).exists()


def test_members_page_read_is_audited(world, client_for):
    client_for("director_a").get(case_url(world, "betrokkenen/"))
    event = AuditEvent.objects.filter(event_type=EventType.CASE_VIEWED).latest("id")
    assert event.pupil_id == world.pupil_a5.pk and event.data == {"page": "members"}


# --- requests to colleagues -----------------------------------------------------------------


def request_form(client, world: World) -> dict[str, object]:
    response = client.get(case_url(world, "verzoek/"))
    assert response.status_code == 200
    return {
        "assignee": world["teacher_a"].pk,
        "title": "Wil je laten weten hoe hij vrijdag binnenkomt?",
        "due_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
        "submission_token": response.context["form"]["submission_token"].value(),
    }


def test_a_double_submitted_request_creates_one_task(world, client_for):
    client = client_for("care_a")
    data = request_form(client, world)
    first = client.post(case_url(world, "verzoek/"), data)
    second = client.post(case_url(world, "verzoek/"), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == case_url(world) + "#taken"
    assert CaseTask.objects.filter(title=data["title"]).count() == 1
    assert AuditEvent.objects.filter(event_type=EventType.CASE_TASK_CREATED).count() == 1
    # the teacher sees the question (and nothing else) on the pupil page
    page = client_for("teacher_a").get(pupil_url(world)).content.decode()
    assert "Wil je laten weten hoe hij vrijdag binnenkomt?" in page


def test_request_form_warns_and_checks(world, client_for):
    client = client_for("care_a")
    page = client.get(case_url(world, "verzoek/")).content.decode()
    assert "ziet alleen deze zin en de naam van de leerling" in page
    data = request_form(client, world) | {
        "title": "",
        "due_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
    }
    response = client.post(case_url(world, "verzoek/"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Beschrijf wat je van je collega vraagt." in body
    assert "Deze datum ligt in het verleden." in body
    assert response.context["form"]["assignee"].value() == str(world["teacher_a"].pk)


@pytest.mark.parametrize(("persona", "status"), [("director_a", 403), ("teacher_a", 404)])
def test_only_those_working_on_the_case_may_ask(world, client_for, persona, status):
    client = client_for(persona)
    assert client.get(case_url(world, "verzoek/")).status_code == status
    assert client.post(case_url(world, "verzoek/"), {}).status_code == status


def test_case_task_partial_lists_every_task(world, client_for):
    actions.do_add_member(
        world.case, world["teacher_a"], kind=CaseMember.Kind.MEMBER, actor=Actor(world["care_a"])
    )
    CaseTask.objects.create(
        case=world.case,
        kind=CaseTask.Kind.TERM,
        title="Signalen binnen tien werkdagen in kaart",
        step="signals",
        due_on=timezone.localdate() - dt.timedelta(days=1),
        created_by=world["care_a"],
    )
    request = RequestFactory().get("/")
    request.user = world["care_a"]
    case = Case.objects.select_related("pupil__school", "school").get(pk=world.case.pk)
    html = render_to_string(
        "cases/partials/_case_tasks.html",
        {"case": case, **case_tasks_context(world["care_a"], case)},
        request=request,
    )
    assert world.task.title.replace("'", "&#x27;") in html
    assert "Teacher A" in html and "de eigenaren" in html
    assert "te laat" in html and "Stap 1: signalen in kaart brengen" in html
    # the owner's term cannot be ticked off; the teacher's request is not on care_a's list
    assert "/gedaan/" not in html


# --- tasks done -------------------------------------------------------------------------------


def test_the_assignee_marks_their_task_done(world, client_for):
    client = client_for("teacher_a")
    response = client.post(
        f"/taken/{world.task.pk}/gedaan/",
        {"note": "Kwam vrolijk binnen.", "next": pupil_url(world)},
    )
    assert response.status_code == 302 and response["Location"] == pupil_url(world)
    world.task.refresh_from_db()
    assert world.task.done_at is not None and world.task.done_by == world["teacher_a"]
    assert world.task.done_note == "Kwam vrolijk binnen."
    event = AuditEvent.objects.get(event_type=EventType.CASE_TASK_DONE)
    assert "Kwam" not in str(event.data)
    # a second click changes nothing
    again = client.post(f"/taken/{world.task.pk}/gedaan/", {"note": "anders"}, follow=True)
    assert "al afgerond" in again.content.decode()
    world.task.refresh_from_db()
    assert world.task.done_note == "Kwam vrolijk binnen."
    assert AuditEvent.objects.filter(event_type=EventType.CASE_TASK_DONE).count() == 1
    # and it left the pupil page's list
    assert f"/taken/{world.task.pk}/gedaan/" not in client.get(pupil_url(world)).content.decode()


def test_next_must_be_a_local_url(world, client_for):
    response = client_for("teacher_a").post(
        f"/taken/{world.task.pk}/gedaan/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/taken/"


@pytest.mark.parametrize("persona", ["care_a", "director_a", "teacher_b"])
def test_someone_elses_task_is_404(world, client_for, persona):
    assert client_for(persona).post(f"/taken/{world.task.pk}/gedaan/").status_code == 404
    world.task.refresh_from_db()
    assert world.task.done_at is None


def test_a_step_term_is_not_ticked_off(world, client_for):
    term = CaseTask.objects.create(
        case=world.case,
        kind=CaseTask.Kind.TERM,
        title="Signalen binnen tien werkdagen in kaart",
        step="signals",
        due_on=timezone.localdate(),
        created_by=world["care_a"],
    )
    response = client_for("care_a").post(f"/taken/{term.pk}/gedaan/", follow=True)
    assert "zodra de stap is afgerond" in response.content.decode()
    term.refresh_from_db()
    assert term.done_at is None


# --- my tasks ---------------------------------------------------------------------------------


def test_my_tasks_lists_open_tasks_without_case_links_for_non_readers(world, client_for):
    response = client_for("teacher_a").get("/taken/")
    assert response.status_code == 200
    page = response.content.decode()
    assert world.task.title.replace("'", "&#x27;") in page
    assert "Anna Visser" in page and pupil_url(world) in page
    assert 'href="' + case_url(world) + '"' not in page
    event = AuditEvent.objects.filter(event_type=EventType.CASES_LISTED).latest("id")
    assert event.data["results"] == 1 and event.board_id == world.board.pk


def test_my_tasks_for_an_owner_link_to_the_case(world, client_for):
    CaseTask.objects.create(
        case=world.case,
        kind=CaseTask.Kind.REVIEW,
        title="Evaluatie",
        step="signals",
        due_on=timezone.localdate(),
        created_by=world["care_a"],
    )
    page = client_for("care_a").get("/taken/").content.decode()
    assert "Evaluatie" in page and 'href="' + case_url(world) + '"' in page
    assert world.task.title.replace("'", "&#x27;") not in page  # asked of the teacher


def test_my_tasks_queries_are_bounded(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("teacher_a")
    client.get("/taken/")
    with CaptureQueriesContext(connection) as few:
        client.get("/taken/")
    CaseTask.objects.bulk_create(
        CaseTask(
            case=world.case,
            kind=CaseTask.Kind.REQUEST,
            title=f"Verzoek {i}",
            due_on=timezone.localdate() + dt.timedelta(days=i),
            assignee=world["teacher_a"],
            created_by=world["care_a"],
        )
        for i in range(30)
    )
    with CaptureQueriesContext(connection) as many:
        client.get("/taken/")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_removing_a_member_twice_says_it_was_done(world, client_for):
    """A double click on "verwijderen": the second request finds no membership and says so,
    instead of a 404 page."""
    member = actions.do_add_member(
        world.case, world["teacher_a"], kind=CaseMember.Kind.MEMBER, actor=Actor(world["care_a"])
    )
    client = client_for("care_a")
    url = case_url(world, f"betrokkenen/{member.pk}/verwijderen/")
    first = client.post(url)
    second = client.post(url)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == case_url(world, "betrokkenen/")
    assert "Deze collega was al verwijderd." in client.get(second["Location"]).content.decode()
    assert AuditEvent.objects.filter(event_type=EventType.CASE_MEMBER_REMOVED).count() == 1
    # the case is checked first: those who may not read it still get a 404
    assert client_for("teacher_b").post(url).status_code == 404
    assert client_for("teacher_a").post(url).status_code == 404  # no longer in the case


# --- reading lists of cases is audited ----------------------------------------------------


def listed(page: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=EventType.CASES_LISTED, data__page=page))


def test_start_page_with_case_rows_records_one_read(world, client_for):
    CaseTask.objects.filter(pk=world.task.pk).update(due_on=timezone.localdate())
    teacher = client_for("teacher_a").get("/")
    assert world.pupil_a5.full_name in teacher.content.decode()  # the asked task names the pupil
    (event,) = listed("home")
    assert event.actor_id == world["teacher_a"].pk and event.board_id == world.board.pk
    assert event.data == {"page": "home", "cases": 0, "tasks": 1}  # counts, no names
    client_for("care_a").get("/")
    event = listed("home")[-1]
    assert event.actor_id == world["care_a"].pk
    assert event.data["cases"] == 1 and "pupil" not in str(event.data)


def test_start_page_without_case_rows_records_nothing(world, client_for):
    for persona in ("teacher_b", "board", "no_role", "privacy"):
        assert client_for(persona).get("/").status_code == 200
    assert not listed("home")


def test_notifications_about_cases_record_one_read(world, client_for):
    from vangnet.core.notify import notify

    client = client_for("care_a")
    notify(world["care_a"], "elsewhere", "Iets anders", at_once=True)
    assert client.get("/meldingen/").status_code == 200
    assert not listed("notifications")  # nothing that points to a case
    notify(world["care_a"], f"case-task:{world.task.pk}:due", "Anna: evaluatie", at_once=True)
    notify(world["care_a"], "case-task-asked:1", "Gevraagd (Anna)", "/taken/", at_once=True)
    assert client.get("/meldingen/").status_code == 200
    (event,) = listed("notifications")
    assert event.data == {"page": "notifications", "count": 2}
    assert event.actor_id == world["care_a"].pk


def test_teacher_does_not_learn_that_a_case_moved_to_monitoring(world, client_for):
    """Only readers of a case see its phase: "Volgen" would tell a teacher that a report
    to Veilig Thuis or help followed."""
    from vangnet.cases.models import Case

    Case.objects.filter(pk=world.case.pk).update(state=Case.State.MONITORING)
    teacher = client_for("teacher_a").get(f"/leerlingen/{world.pupil_a5.pk}/")
    assert "Volgen" not in teacher.content.decode() and "Lopend" in teacher.content.decode()
    care = client_for("care_a").get(f"/leerlingen/{world.pupil_a5.pk}/")
    assert "Volgen" in care.content.decode()


def test_the_access_log_hides_what_happened_in_a_case_from_non_members(world, client_for):
    """The pupil's access log is for every care coordinator of the school; what happened
    inside a case (here: the acute route) would tell its phase to one who is not in it.
    The privacy officer, who audits, sees the event as it is."""
    from tests.world import make_user
    from vangnet.cases import actions
    from vangnet.core.audit import Actor
    from vangnet.core.roles import Role
    from vangnet.organisations.models import RoleAssignment

    actions.do_open_case(
        world.pupil_a5,
        "meldcode",
        actor=Actor(world["care_a"]),
        acute_reason="Anna vertelt dat ze vanavond niet naar huis durft.",
    )
    other = make_user("care.a2@test.invalid", "Care A2")
    RoleAssignment.objects.create(
        user=other, role=Role.CARE_COORDINATOR, board=world.board, school=world.school_a
    )
    from django.test import Client

    outsider = Client()
    outsider.force_login(other)
    page = outsider.get(f"/leerlingen/{world.pupil_a5.pk}/toegang/").content.decode()
    assert "Zorgtraject via acute route" not in page
    assert "Activiteit in een zorgtraject" in page
    owner = client_for("care_a").get(f"/leerlingen/{world.pupil_a5.pk}/toegang/").content.decode()
    assert "Zorgtraject via acute route" in owner
    audit = client_for("privacy").get(f"/leerlingen/{world.pupil_a5.pk}/toegang/").content.decode()
    assert "Zorgtraject via acute route" in audit
