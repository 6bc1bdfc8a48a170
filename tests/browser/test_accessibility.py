"""axe-core on the pages people use most. Fails on any "serious" or "critical" violation;
prints every violation found (also written to var/axe-report.txt)."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from tests.browser.helpers import REPO_ROOT, enter_totp, login_with_password, totp_code
from tests.world import PASSWORD, make_user

from vangnet.core.roles import Role
from vangnet.organisations.models import RoleAssignment

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
REPORT = REPO_ROOT / "var" / "axe-report.txt"


class AxeWalk:
    """Runs axe on each page it is shown, screenshots it, and keeps the findings."""

    def __init__(self, shot) -> None:
        self.axe = Axe()
        self.shot = shot
        self.findings: list[tuple[str, dict]] = []
        self.pages: list[str] = []

    def check(self, page: Page, name: str) -> None:
        page.wait_for_load_state("load")
        self.pages.append(name)
        self.shot(page, f"{len(self.pages):02d}-{name}")
        results = self.axe.run(page)
        for violation in results.response["violations"]:
            self.findings.append((name, violation))

    def report(self) -> str:
        lines = [f"axe-core on {len(self.pages)} pages: {', '.join(self.pages)}"]
        if not self.findings:
            lines.append("no violations")
        for name, v in self.findings:
            lines.append(f"\n[{v['impact']}] {name}: {v['id']} — {v['help']} ({v['helpUrl']})")
            for node in v["nodes"][:5]:
                lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
                lines.extend(f"      - {line}" for line in node["failureSummary"].splitlines()[1:])
            if len(v["nodes"]) > 5:
                lines.append(f"    … and {len(v['nodes']) - 5} more")
        return "\n".join(lines)


def test_pages_have_no_serious_accessibility_violations(new_context, page_as, world, shot):
    walk = AxeWalk(shot)
    newcomer = make_user("nieuw@test.invalid", "Nieuwe Collega", mfa=False)
    RoleAssignment.objects.create(
        user=newcomer, role=Role.TEACHER, board=world.board, school=world.school_a
    )
    # All sessions first: the test thread must not write while a page is loading (SQLite).
    care = page_as(world["care_a"])
    privacy = page_as(world["privacy"])
    admin = page_as(world["admin"])
    teacher = new_context().new_page()
    fresh = new_context().new_page()

    # the login pages and the teacher
    teacher.goto("/accounts/login/")
    walk.check(teacher, "login")
    login_with_password(teacher, world["teacher_a"].email)
    expect(teacher).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    walk.check(teacher, "mfa-code")
    enter_totp(teacher)
    expect(teacher.get_by_role("heading", level=1)).to_contain_text("Goedendag")
    walk.check(teacher, "start-teacher")

    teacher.goto("/leerlingen/")
    teacher.get_by_label("Naam of leerlingnummer").press_sequentially("a", delay=20)
    expect(teacher.locator("#results")).to_contain_text("Andere leerlingen van je school")
    walk.check(teacher, "pupil-search")

    teacher.goto(f"/leerlingen/{world.pupil_a5.pk}/")
    walk.check(teacher, "pupil")

    teacher.goto(f"/leerlingen/{world.pupil_a6.pk}/noodtoegang/")
    teacher.get_by_label("Reden").fill("kort")
    teacher.get_by_role("button", name="Toegang openen").click()
    expect(teacher.locator(".errorlist")).to_be_visible()
    walk.check(teacher, "break-glass-error")

    teacher.goto("/accounts/2fa/")
    walk.check(teacher, "mfa-overview")

    # care coordinator
    care.goto("/")
    walk.check(care, "start-care")
    care.goto(f"/leerlingen/{world.pupil_a5.pk}/toegang/")
    walk.check(care, "pupil-access-log")
    care.goto(f"/scholen/{world.school_a.pk}/")
    walk.check(care, "school")

    # privacy officer
    privacy.goto("/audit/")
    privacy.get_by_role("button", name="Controleer de keten nu").click()
    expect(privacy.locator("#verify-result")).to_contain_text("Keten intact")
    walk.check(privacy, "audit-log")

    # administrator
    admin.goto("/sociale-kaart/")
    walk.check(admin, "social-map")
    admin.goto(f"/besturen/{world.board.pk}/")
    walk.check(admin, "board")
    admin.goto(f"/besturen/{world.board.pk}/instellingen/")
    walk.check(admin, "board-settings")

    # mandatory second factor: confirm password, activate TOTP, recovery codes
    login_with_password(fresh, newcomer.email)
    expect(fresh).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    walk.check(fresh, "confirm-password")
    fresh.get_by_label("Wachtwoord").fill(PASSWORD)
    fresh.locator("main form button[type=submit]").click()
    expect(fresh).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    walk.check(fresh, "mfa-activate")
    secret = fresh.locator("#authenticator_secret").input_value()
    fresh.locator("input[name=code]").fill(totp_code(secret))
    fresh.locator("main form button[type=submit]").click()
    expect(fresh).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    walk.check(fresh, "recovery-codes")

    report = walk.report()
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(report + "\n", encoding="utf-8")
    print(report)
    blocking = [(name, v["id"]) for name, v in walk.findings if v["impact"] in BLOCKING]
    assert not blocking, f"serious or critical accessibility violations: {blocking}\n{report}"
