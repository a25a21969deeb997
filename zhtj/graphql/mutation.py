"""Runs one use case as one transaction; broken rules come back as UserErrors, nothing half-written,
and so does a unique constraint that a concurrent writer hit first."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from strawberry.types import Info

from zhtj.domain.shared.errors import DomainError
from zhtj.graphql.context import Context
from zhtj.graphql.errors import UserError, user_errors
from zhtj.infrastructure.constraints import problem_for
from zhtj.infrastructure.unit_of_work import SqlUnitOfWork

T = TypeVar("T")


async def perform(
    info: Info[Context, Any], use_case: Callable[[SqlUnitOfWork], Awaitable[T]]
) -> tuple[T | None, list[UserError]]:
    try:
        async with info.context.write() as uow:
            return await use_case(uow), []
    except DomainError as error:
        return None, user_errors(error)
    except IntegrityError as error:  # a concurrent writer won a race that the use case had checked
        problem = problem_for(error)
        if problem is None:
            raise
        return None, user_errors(DomainError(problem))
