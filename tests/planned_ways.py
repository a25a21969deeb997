"""Holds a planned answer (zhtj/graphql/plans.py) to the ordinary execution's: the same query asked both ways."""

from __future__ import annotations

from types import ModuleType


async def both_ways(client, way: ModuleType, query: str, variables: dict,
                    operation: str | None = None) -> tuple[dict, dict, bool]:
    """The answer with the plan of `way` (a module with `answer` and `ENABLED`) and without it, and whether
    the plan answered."""
    answered: list[bool] = []
    real = way.answer

    async def spy(*args):  # type: ignore[no-untyped-def]
        found = await real(*args)
        answered.append(found is not None)
        return found

    body = {"query": query, "variables": variables, "operationName": operation}
    headers = {"Authorization": f"Bearer {client.token}"} if client.token else {}
    way.answer = spy
    try:
        planned = (await client.http.post("/graphql", json=body, headers=headers)).json()
    finally:
        way.answer = real
    way.ENABLED = False
    try:
        ordinary = (await client.http.post("/graphql", json=body, headers=headers)).json()
    finally:
        way.ENABLED = True
    for answer in (planned, ordinary):
        answer.get("extensions", {}).pop("requestId", None)
        for error in answer.get("errors", ()):
            error.get("extensions", {}).pop("requestId", None)
    return planned, ordinary, any(answered)
