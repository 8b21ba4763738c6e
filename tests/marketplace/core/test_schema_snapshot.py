"""docs/schema.graphql is the published API contract: it must match the schema the code serves."""

from pathlib import Path

from graphql import print_schema

from marketplace.api import schema

SNAPSHOT = Path(__file__).resolve().parents[3] / "docs" / "schema.graphql"


def test_published_schema_matches_the_code() -> None:
    served = print_schema(schema.graphql_schema).strip()
    published = SNAPSHOT.read_text(encoding="utf-8").strip()
    assert served == published, "The GraphQL schema changed: run `make schema` and commit docs/schema.graphql."
