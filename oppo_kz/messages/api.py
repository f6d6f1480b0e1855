"""Messages over REST: send, the inbox, one message, mark read, receipts. Thin routes around the service."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import JSONResponse

from oppo_kz.api.deps import ReadSession, WriteSession, require
from oppo_kz.api.listing import list_openapi
from oppo_kz.api.openapi import errors
from oppo_kz.api.paths import RowId
from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal
from oppo_kz.messages import service
from oppo_kz.messages.models import MessageCreate, MessagePublic, MessagesPage, Receipts

router = APIRouter(prefix="/messages", tags=["messages"])
Sender = Annotated[Principal, Depends(require(Permission.messages_send))]
Reader = Annotated[Principal, Depends(require(Permission.messages_read))]


def _inbox_openapi() -> dict[str, Any]:
    documented = list_openapi(service.INBOX)
    documented["openapi_extra"]["parameters"].append(
        {
            "name": "unread",
            "in": "query",
            "description": "true: only the messages you have not read.",
            "schema": {"type": "boolean"},
        }
    )
    return documented


@router.post("", response_model=MessagePublic, status_code=status.HTTP_201_CREATED, responses=errors(403))
def send_message(
    body: MessageCreate, session: WriteSession, actor: Sender, response: Response
) -> MessagePublic:
    """Send a message to its audience (a supervisor: only their stores and those stores' promoters)."""
    message = service.send_message(session=session, actor=actor, message_in=body)
    response.headers["Location"] = f"/api/v1/messages/{message.id}"
    return service.get_message(session=session, actor=actor, message_id=message.id or 0)


@router.get("", response_model=MessagesPage, responses=errors(400), **_inbox_openapi())
def inbox(request: Request, session: ReadSession, actor: Reader) -> Response:
    """Your inbox, newest first unless sorted otherwise, with your `unread` count."""
    query, unread = service.parse_inbox_query(request.query_params.multi_items())
    return JSONResponse(service.inbox(session=session, actor=actor, query=query, unread_only=unread))


@router.get("/{message_id}", response_model=MessagePublic, responses=errors(404))
def get_message(message_id: RowId, session: ReadSession, actor: Reader) -> MessagePublic:
    """One message: to its recipients (with your `read_at`), its author, office and admin."""
    return service.get_message(session=session, actor=actor, message_id=message_id)


@router.post(
    "/{message_id}/read",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=errors(404),
)
def mark_read(message_id: RowId, session: WriteSession, actor: Reader) -> Response:
    """Mark the message read (again is fine: the first time stays)."""
    service.mark_read(session=session, actor=actor, message_id=message_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{message_id}/receipts", response_model=Receipts, responses=errors(404))
def receipts(message_id: RowId, session: ReadSession, actor: Reader) -> Receipts:
    """Who the message went to and who has read it (its author, office, admin)."""
    return service.receipts(session=session, actor=actor, message_id=message_id)


routers = (router,)
