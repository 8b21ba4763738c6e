"""The GraphQL endpoint: shop query, limits refused before any SQL, pagination cap, CSRF, rate limit."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.core.graphql.pagination import page_bounds


@pytest.mark.django_db
def test_shop_answers_vnd(gql) -> None:
    data = gql.execute("{ shop { name currency languages { code } version defaultLanguage } }")
    assert data["shop"]["currency"] == "VND"
    assert [lang["code"] for lang in data["shop"]["languages"]] == ["vi", "en"]
    assert data["shop"]["defaultLanguage"] == "vi"


@pytest.mark.django_db
def test_too_deep_query_is_refused_before_sql(gql, settings) -> None:
    settings.GRAPHQL_MAX_DEPTH = 2
    query = "{ shop { languages { code } } __typename }"
    deep = "{ a: shop { languages { code } } }"
    assert gql.raw(query).status_code == 200  # depth 2 passes (shop > languages > code counts fields)
    settings.GRAPHQL_MAX_DEPTH = 1
    with CaptureQueriesContext(connection) as queries:
        response = gql.raw(deep)
    assert response.status_code == 400
    assert "exceeds maximum operation depth" in response.json()["errors"][0]["message"]
    assert len(queries) == 0


@pytest.mark.django_db
def test_too_costly_query_is_refused_before_sql(gql, settings) -> None:
    settings.GRAPHQL_MAX_COST = 3
    with CaptureQueriesContext(connection) as queries:
        response = gql.raw("query Big { shop { name currency version defaultLanguage } }")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert "costs 5, above the limit of 3" in error["message"]
    assert len(queries) == 0


def test_cost_multiplies_by_page_size_from_literals_and_variables(settings) -> None:
    from graphql import parse

    from marketplace.core.graphql.limits import selection_cost

    settings.GRAPHQL_MAX_PAGE_SIZE = 100
    doc = parse(
        "query($n: Int) { a: products(first: 10) { edges { node { name } } } b: products(first: $n) { totalCount } }"
    )
    op = doc.definitions[0]
    # products(10) × (itself + edges(1 + node(1 + name)))  +  products(7) × (itself + totalCount)
    assert selection_cost(op.selection_set, {}, {"n": 7}) == 10 * (1 + 3) + 7 * (1 + 1)
    # Unknown variable: assume the cap.
    assert selection_cost(op.selection_set, {}, {}) == 40 + 100 * 2


def test_page_bounds_caps_and_slices(settings) -> None:
    settings.GRAPHQL_MAX_PAGE_SIZE = 100
    assert page_bounds(50, first=10, after=None, last=None, before=None) == (0, 10)
    assert page_bounds(50, first=None, after=None, last=5, before=None) == (45, 50)
    from django.utils import translation
    from graphql import GraphQLError

    with translation.override("en"), pytest.raises(GraphQLError, match="at most 100"):
        page_bounds(500, first=101, after=None, last=None, before=None)
    with translation.override("vi"), pytest.raises(GraphQLError, match="tối đa 100"):
        page_bounds(500, first=101, after=None, last=None, before=None)


@pytest.mark.django_db
def test_session_cookie_posts_need_csrf_but_anonymous_and_token_posts_do_not(client, django_user_model) -> None:
    from django.test import Client

    body = json.dumps({"query": "{ shop { currency } }"})
    assert client.post("/graphql/", body, content_type="application/json").status_code == 200

    user = django_user_model.objects.create_user(email="a@example.com", password="x-very-long-pass")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.post("/graphql/", body, content_type="application/json").status_code == 403


@pytest.mark.django_db
def test_graphql_rate_limit_answers_429(client, settings) -> None:
    settings.GRAPHQL_RATE_LIMIT = "3/h"  # an hour window: the test never straddles a window edge
    body = json.dumps({"query": "{ shop { currency } }"})
    codes = [client.post("/graphql/", body, content_type="application/json").status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200]
    assert codes[3:] == [429, 429]


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert response["X-Request-ID"]


def test_request_id_is_echoed_when_sane(client) -> None:
    assert client.get("/healthz", headers={"X-Request-ID": "abc12345-req"})["X-Request-ID"] == "abc12345-req"
    assert client.get("/healthz", headers={"X-Request-ID": "bad id\n"})["X-Request-ID"] != "bad id\n"


@pytest.mark.django_db
def test_responses_are_plain_utf8(gql) -> None:
    response = gql.raw("{ shop { name } }")
    assert "Chợ OCOP".encode() in response.content
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.django_db
def test_standard_validation_still_runs_beside_the_limits(gql) -> None:
    response = gql.raw("{ shop { nosuchfield } }")
    assert response.status_code == 400
    assert "Cannot query field 'nosuchfield' on type 'Shop'" in response.json()["errors"][0]["message"]


@pytest.mark.django_db
def test_cost_is_checked_per_request_even_when_the_query_is_cached(gql, settings) -> None:
    query = "{ a: shop { name } b: shop { name } }"
    assert gql.raw(query).status_code == 200
    settings.GRAPHQL_MAX_COST = 3
    assert gql.raw(query).json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"


def test_mutations_over_get_are_refused(client) -> None:
    response = client.get("/graphql/", {"query": 'mutation { tokenCreate(email:"a", password:"b") { token } }'})
    assert response.status_code == 405


@pytest.mark.django_db
def test_pages_and_api_answers_are_compressed_for_clients_that_accept_it(client) -> None:
    import gzip

    body = json.dumps({"query": "{ provinces { code name communes { code name } } }"})
    response = client.post("/graphql/", body, content_type="application/json", headers={"Accept-Encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert "Thanh Hóa" in gzip.decompress(response.content).decode()
