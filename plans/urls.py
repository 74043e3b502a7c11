from django.urls import path

from . import views, views_activity, views_import, views_lifecycle, views_pdf
from .meeting import views as meeting
from .meeting import views_votes as meeting_votes

app_name = "plans"

urlpatterns = [
    path("create/<slug:slug>/", views.plan_create_view, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/settings/", views.plan_settings, name="settings"),
    path("<int:pk>/preview/", views.markdown_preview, name="preview"),
    path("<int:pk>/due-preview/", views.due_preview, name="due_preview"),
    path("<int:pk>/sections/add/", views.section_add, name="section_add"),
    path("sections/<int:pk>/", views.section_item, name="section"),
    path("sections/<int:pk>/edit/", views.section_edit, name="section_edit"),
    path("sections/<int:pk>/delete/", views.section_delete_view, name="section_delete"),
    path("sections/<int:pk>/move/", views.section_move_view, name="section_move"),
    path("<int:pk>/propose/", meeting.propose, name="propose"),
    path("<int:pk>/withdraw/", views_lifecycle.plan_withdraw_view, name="withdraw"),
    path("<int:pk>/adopt/", views_lifecycle.plan_adopt_view, name="adopt"),
    path("<int:pk>/archive/", views_lifecycle.plan_archive_view, name="archive"),
    path("<int:pk>/new-version/", views_lifecycle.plan_new_version_view, name="new_version"),
    path("<int:pk>/duplicate/", views_lifecycle.plan_duplicate_view, name="duplicate"),
    path("<int:pk>/delete/", views_lifecycle.plan_delete_view, name="delete"),
    path("<int:pk>/history/", views_lifecycle.plan_history, name="history"),
    path("<int:pk>/compare/", views_lifecycle.plan_compare, name="compare"),
    path("<int:pk>/plan.pdf", views_pdf.plan_pdf_view, name="pdf"),
    path("<int:pk>/report.pdf", views_pdf.report_pdf_view, name="report_pdf"),
    path("<int:pk>/lines/", meeting.numbered_lines, name="lines"),
    path("<int:pk>/lines.pdf", meeting.numbered_lines_pdf, name="lines_pdf"),
    path("<int:pk>/amendments/", meeting.amendment_list, name="amendments"),
    path("<int:pk>/amendments/new/", meeting.amendment_new, name="amendment_new"),
    path("<int:pk>/amendments.pdf", meeting.booklet_pdf, name="booklet_pdf"),
    path("<int:pk>/votes/", meeting_votes.votes, name="votes"),
    path("amendments/<int:pk>/edit/", meeting.amendment_edit, name="amendment_edit"),
    path(
        "amendments/<int:pk>/withdraw/", meeting.amendment_withdraw_view, name="amendment_withdraw"
    ),
    path(
        "amendments/<int:pk>/recommend/",
        meeting.amendment_recommend_view,
        name="amendment_recommend",
    ),
    path("import/<slug:slug>/", views_import.import_upload, name="import"),
    path("import/<slug:slug>/<int:pk>/", views_import.import_review, name="import_review"),
    path("<int:pk>/original/", views_import.plan_original, name="original"),
    path("log/<slug:slug>/", views_activity.organisation_log, name="organisation_log"),
]
