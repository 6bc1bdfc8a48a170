from django.urls import path, re_path

from vangnet.cases import report_views as views

YEAR = r"(?P<year>\d{4}-\d{4})"

urlpatterns = [
    path("trajecten/<int:case_id>/verslag/", views.case_report, name="case_report"),
    path("trajecten/<int:case_id>/verslag.pdf", views.case_report_pdf, name="case_report_pdf"),
    path("trajecten/<int:case_id>/verslag.docx", views.case_report_docx, name="case_report_docx"),
    path(
        "scholen/<int:school_id>/meldcode-jaarbundel/",
        views.meldcode_bundle,
        name="meldcode_bundle",
    ),
    re_path(
        rf"^scholen/(?P<school_id>\d+)/meldcode-jaarbundel/{YEAR}\.pdf$",
        views.meldcode_bundle_pdf,
        name="meldcode_bundle_pdf",
    ),
    re_path(
        rf"^scholen/(?P<school_id>\d+)/meldcode-jaarbundel/{YEAR}\.docx$",
        views.meldcode_bundle_docx,
        name="meldcode_bundle_docx",
    ),
    path(
        "besturen/<int:board_id>/meldcode-jaarbundel/",
        views.board_meldcode_bundles,
        name="board_meldcode_bundles",
    ),
]
