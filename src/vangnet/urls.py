from django.conf import settings
from django.urls import include, path

from vangnet.api.v1 import api
from vangnet.core import notification_views as notes
from vangnet.core import views as core
from vangnet.organisations import import_views
from vangnet.organisations import staff_views as staff
from vangnet.organisations import views as org

urlpatterns = [
    path("", core.home, name="home"),
    path("healthz", core.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("leerlingen/", org.pupil_search, name="pupil_search"),
    path("leerlingen/<int:pupil_id>/", org.pupil_detail, name="pupil_detail"),
    path("leerlingen/<int:pupil_id>/noodtoegang/", org.break_glass, name="break_glass"),
    path("leerlingen/<int:pupil_id>/toegang/", core.pupil_access_log, name="pupil_access_log"),
    path("scholen/", org.school_list, name="school_list"),
    path("scholen/<int:school_id>/", org.school_detail, name="school_detail"),
    path("besturen/<int:board_id>/", org.board_detail, name="board_detail"),
    path("besturen/<int:board_id>/instellingen/", org.board_settings, name="board_settings"),
    path("besturen/<int:board_id>/functienamen/", org.role_titles, name="role_titles"),
    path("besturen/<int:board_id>/sociale-kaart/nieuw/", org.partner_create, name="partner_create"),
    path("besturen/<int:board_id>/import/", import_views.pupil_import, name="pupil_import"),
    path("besturen/<int:board_id>/medewerkers/", staff.staff, name="staff"),
    path(
        "besturen/<int:board_id>/medewerkers/<int:assignment_id>/intrekken/",
        staff.revoke_role,
        name="revoke_role",
    ),
    path("sociale-kaart/", org.partner_list, name="partner_list"),
    path("sociale-kaart/<int:partner_id>/", org.partner_edit, name="partner_edit"),
    path("sociale-kaart/<int:partner_id>/verwijderen/", org.partner_delete, name="partner_delete"),
    path("", include("vangnet.concerns.urls")),
    path("", include("vangnet.concerns.flag_urls")),
    path("", include("vangnet.concerns.rights_urls")),
    path("", include("vangnet.cases.urls")),
    path("", include("vangnet.cases.people_urls")),
    path("", include("vangnet.cases.consent_urls")),
    path("", include("vangnet.cases.report_urls")),
    path("", include("vangnet.incidents.extra_urls")),
    path("", include("vangnet.incidents.report_urls")),
    path("", include("vangnet.organisations.calendar_urls")),
    path("", include("vangnet.incidents.urls")),
    path("", include("vangnet.measures.urls")),
    path("", include("vangnet.measures.letter_urls")),
    path("", include("vangnet.sharing.urls")),
    path("", include("vangnet.meetings.urls")),
    path("meldingen/", notes.notifications, name="notifications"),
    path("meldingen/gelezen/", notes.notifications_read, name="notifications_read"),
    path("audit/", core.audit_log, name="audit_log"),
    path("audit/controleren/", core.audit_verify, name="audit_verify"),
]

if settings.BENCH_ENABLED:
    from vangnet.core.bench_views import bare

    urlpatterns.append(path("_bench/bare", bare, name="bench_bare"))
