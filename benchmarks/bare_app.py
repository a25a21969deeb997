"""The floor under the service's request path (benchmarks/request_path.py): a bare Starlette app with one
POST endpoint that reads the JSON body and answers a fixed small JSON, served by the same uvicorn settings
as the service.

    uvicorn --app-dir benchmarks bare_app:app --no-access-log"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

ANSWER = {"data": {"__typename": "Query"}}


async def graphql(request: Request) -> JSONResponse:
    await request.json()
    return JSONResponse(ANSWER)


app = Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])
