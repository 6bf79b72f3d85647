"""The health check: a tiny answer after one trivial query, for balancers and the benchmark floor."""


def test_it_answers_ok_after_a_database_round_trip(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_it_refuses_other_methods(client, db):
    assert client.post("/healthz").status_code == 405
