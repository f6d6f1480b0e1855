"""User administration (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from oppo_kz.api.deps import ReadSession, WriteSession, require
from oppo_kz.api.openapi import errors
from oppo_kz.api.paths import RowId
from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal
from oppo_kz.users import service as users
from oppo_kz.users.models import User, UserCreate, UserPublic, UserUpdate

router = APIRouter(prefix="/users", tags=["users"])
Admin = Annotated[Principal, Depends(require(Permission.users_manage))]


@router.get("", response_model=list[UserPublic], responses=errors(403))
def list_users(session: ReadSession, actor: Admin) -> list[User]:
    """Every user, oldest first."""
    return users.list_users(session=session, actor=actor)


@router.post("", response_model=UserPublic, status_code=status.HTTP_201_CREATED, responses=errors(403, 409))
def create_user(body: UserCreate, session: WriteSession, actor: Admin, response: Response) -> User:
    """Create a user with a role."""
    user = users.create_user(session=session, actor=actor, user_in=body)
    response.headers["Location"] = f"/api/v1/users/{user.id}"
    return user


@router.get("/{user_id}", response_model=UserPublic, responses=errors(403, 404))
def get_user(user_id: RowId, session: ReadSession, actor: Admin) -> User:
    """One user."""
    return users.get_user(session=session, actor=actor, user_id=user_id)


@router.patch("/{user_id}", response_model=UserPublic, responses=errors(403, 404, 409))
def update_user(user_id: RowId, body: UserUpdate, session: WriteSession, actor: Admin) -> User:
    """Change a user's name, role, status or password."""
    return users.update_user(session=session, actor=actor, user_id=user_id, changes=body)


@router.delete(
    "/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=errors(403, 404, 409),
)
def delete_user(user_id: RowId, session: WriteSession, actor: Admin) -> Response:
    """Delete a user and end their logins."""
    users.delete_user(session=session, actor=actor, user_id=user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


routers = (router,)
