"""The health check: a tiny answer after one trivial query, for balancers and the benchmark floor."""


def test_it_answers_ok_after_a_database_round_trip(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_it_refuses_other_methods(client, db):
    assert client.post("/healthz").status_code == 405


def test_every_page_has_an_icon(client, db):
    page = client.get("/").content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in page
    redirect = client.get("/favicon.ico")  # asked for by pages that name no icon, such as the admin's
    assert redirect.status_code == 301 and redirect["Location"] == "/static/favicon.svg"
    assert client.get("/static/favicon.svg").status_code == 200
