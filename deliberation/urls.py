from django.contrib import admin
from django.urls import include, path

from deliberation.views import annotations, contribute, documents, participant, results, votes, workshop

urlpatterns = [
    path("", participant.home, name="home"),
    path("join/", participant.join, name="join"),
    path("join/<str:code>", participant.join, name="join_by_link"),
    path("resume/<str:token>", participant.resume, name="resume"),
    # The participant's workshop page and the fragments it is made of (each renderable alone).
    path("w/<slug:slug>/", workshop.workshop_page, name="workshop"),
    path("w/<slug:slug>/banners/", workshop.banners_fragment, name="workshop_banners"),
    path("w/<slug:slug>/outline/", workshop.outline_fragment, name="workshop_outline"),
    path("w/<slug:slug>/participants/count/", workshop.count_fragment, name="workshop_participant_count"),
    path("w/<slug:slug>/graph.json", workshop.graph_data, name="workshop_graph"),
    path("w/<slug:slug>/qr.svg", participant.join_qr, name="workshop_qr"),
    path("w/<slug:slug>/me/", participant.my_activity, name="my_activity"),
    path("w/<slug:slug>/results/", results.results_page, name="workshop_results"),
    path("w/<slug:slug>/add/", contribute.add, name="add_statement"),
    path("w/<slug:slug>/s/<int:statement_id>/", workshop.statement_page, name="statement"),
    path("w/<slug:slug>/s/<int:statement_id>/tally/", workshop.tally_fragment, name="statement_tally"),
    path("w/<slug:slug>/s/<int:statement_id>/link/", contribute.link, name="link_statement"),
    path("w/<slug:slug>/s/<int:statement_id>/edit/", contribute.edit, name="edit_statement"),
    path("w/<slug:slug>/s/<int:statement_id>/withdraw/", contribute.withdraw, name="withdraw_statement"),
    path("w/<slug:slug>/s/<int:statement_id>/vote/", votes.vote_statement, name="vote_statement"),
    path("w/<slug:slug>/s/<int:statement_id>/annotate/", annotations.annotate_statement, name="annotate_statement"),
    path("w/<slug:slug>/r/<int:relation_id>/vote/", votes.vote_relation, name="vote_relation"),
    path("w/<slug:slug>/documents/", documents.document_list, name="documents"),
    path("w/<slug:slug>/documents/<int:document_id>/", documents.document_page, name="document"),
    path("w/<slug:slug>/documents/<int:document_id>/highlight/", documents.highlight, name="highlight"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
