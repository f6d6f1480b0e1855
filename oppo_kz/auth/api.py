"""Sign in, rotate, sign out, who am I, what may I do."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from oppo_kz.api.deps import ClientInfo, CurrentUser, ReadSession, WriteSession
from oppo_kz.api.openapi import errors
from oppo_kz.auth import service as auth
from oppo_kz.auth.permissions import permissions_for
from oppo_kz.core.types import Text
from oppo_kz.users import service as users
from oppo_kz.users.models import Role, UserMe, UserMeUpdate, UserPublic

router = APIRouter(prefix="/auth", tags=["auth"])


class LoginRequest(BaseModel):
    # Any text may be tried (a wrong one is 401); the password is taken exactly as typed.
    email: Annotated[str, Text(max_length=254, require_text=True)]
    password: Annotated[str, Text(max_length=1024, min_length=1, trim=False)]


class RefreshRequest(BaseModel):
    refresh_token: Annotated[str, Text(max_length=4096, min_length=1, trim=False)]


class TokenResponse(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int
    user: UserPublic


class PermissionsResponse(BaseModel):
    role: Role
    permissions: dict[str, bool]


_LOGIN_JSON = LoginRequest.model_json_schema()
# The OAuth2 form (the docs' Authorize button) is checked by the same model: `username` is the email.
_LOGIN_FORM = {
    "type": "object",
    "properties": {
        "username": _LOGIN_JSON["properties"]["email"],
        "password": _LOGIN_JSON["properties"]["password"],
    },
    "required": ["username", "password"],
}
_LOGIN_BODY_SCHEMA: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": _LOGIN_JSON},
            "application/x-www-form-urlencoded": {"schema": _LOGIN_FORM},
        },
    }
}


async def _login_body(request: Request) -> LoginRequest:
    """JSON `{email, password}`, or the OAuth2 password form (`username`, `password`)."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        data: Any = {"email": form.get("username") or form.get("email"), "password": form.get("password")}
    else:
        try:
            data = await request.json()
        except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
            raise RequestValidationError(
                [
                    {
                        "loc": ("body",),
                        "msg": "The body must be JSON: {email, password}.",
                        "type": "json_invalid",
                    }
                ]
            ) from None
    try:
        return LoginRequest.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from None


@router.post(
    "/login", response_model=TokenResponse, openapi_extra=_LOGIN_BODY_SCHEMA, responses=errors(401, 429)
)
def login(
    credentials: Annotated[LoginRequest, Depends(_login_body)], session: WriteSession, client: ClientInfo
) -> dict[str, Any]:
    """Sign in with email and password; returns an access and a refresh token."""
    user_agent, ip = client
    pair = auth.authenticate(
        session=session, email=credentials.email, password=credentials.password, user_agent=user_agent, ip=ip
    )
    return pair.to_response()


@router.post("/refresh", response_model=TokenResponse, responses=errors(401))
def refresh(body: RefreshRequest, session: WriteSession) -> dict[str, Any]:
    """Trade a refresh token (once) for a new pair."""
    return auth.refresh(session=session, refresh_token=body.refresh_token).to_response()


@router.post(
    "/logout", status_code=status.HTTP_204_NO_CONTENT, response_class=Response, responses=errors(401)
)
def logout(body: RefreshRequest, session: WriteSession) -> Response:
    """End the login this refresh token belongs to."""
    auth.logout(session=session, refresh_token=body.refresh_token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=UserMe)
def me(user: CurrentUser, session: ReadSession) -> UserMe:
    """The signed-in user, with the UI language they chose (`locale`: ru, kk, en or null)."""
    return UserMe.model_validate(users.get_profile(session=session, actor=user))


@router.patch("/me", response_model=UserMe)
def update_me(body: UserMeUpdate, user: CurrentUser, session: WriteSession) -> UserMe:
    """Change what users may change about themselves: `locale` (ru, kk or en)."""
    return UserMe.model_validate(users.set_locale(session=session, actor=user, locale=body.locale))


@router.get("/permissions", response_model=PermissionsResponse)
def permissions(user: CurrentUser) -> PermissionsResponse:
    """What the signed-in user's role may do, so clients can hide what it may not."""
    return PermissionsResponse(role=user.role, permissions=permissions_for(user.role))


routers = (router,)
