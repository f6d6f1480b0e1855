"""Messages: compose with an audience, the inbox with read state, receipts for the author and office.

- Admin and office send to anyone; a supervisor only to the stores they supervise and to the
  promoters assigned to those stores today (any other audience, or everyone, is 403); promoters
  do not send.
- Recipients are resolved when the message is sent (active users, the author excluded): a user
  matches when any non-empty list of the audience does — their role, a city or store they are
  assigned to today or supervise, or their id; an audience with every list empty is everyone.
- A message is readable by its recipients, its author, office and admin (404 for anyone else);
  its receipts by its author, office and admin.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, bindparam, func, select, update
from sqlalchemy.sql.elements import BindParameter
from sqlmodel import Session, col

from oppo_kz.assignments.models import Assignment
from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal
from oppo_kz.core.db import set_actor, table_of, utcnow
from oppo_kz.core.errors import PermissionDeniedError
from oppo_kz.core.types import is_row_id
from oppo_kz.lib import listing
from oppo_kz.lib.listing import (
    FieldSpec,
    ListQuery,
    ListSpec,
    Scope,
    TextSearch,
    field_for_column,
    filter_error,
)
from oppo_kz.lib.versioned import not_found
from oppo_kz.messages.audience import check_audience, recipient_ids
from oppo_kz.messages.models import (
    Audience,
    Message,
    MessageCreate,
    MessagePublic,
    MessageReceipt,
    ReceiptItem,
    Receipts,
)
from oppo_kz.stores.models import Store
from oppo_kz.users.models import Role, User

MESSAGES_TABLE = table_of(Message)
RECEIPTS_TABLE = table_of(MessageReceipt)
USERS_TABLE = table_of(User)
STORES_TABLE = table_of(Store)
ASSIGNMENTS_TABLE = table_of(Assignment)
AUTHORS = USERS_TABLE.alias("author")
HEAD_OFFICE = (Role.admin, Role.office)

# The inbox: the reader's own receipt row joined in (so each message appears once, with their read_at).
_READER: BindParameter[int] = bindparam("scope_user")
INBOX_SOURCE = MESSAGES_TABLE.join(
    RECEIPTS_TABLE,
    and_(RECEIPTS_TABLE.c.message_id == MESSAGES_TABLE.c.id, RECEIPTS_TABLE.c.user_id == _READER),
).outerjoin(AUTHORS, AUTHORS.c.id == MESSAGES_TABLE.c.author_id)
_M = MESSAGES_TABLE.c
_FIELDS: tuple[FieldSpec, ...] = (
    field_for_column("id", _M.id),
    field_for_column("title", _M.title),
    field_for_column("body", _M.body),
    field_for_column("author_id", _M.author_id),
    field_for_column("author_name", AUTHORS.c.full_name, nullable=True),
    field_for_column("created_at", _M.created_at),
    field_for_column("read_at", RECEIPTS_TABLE.c.read_at, nullable=True),
)
INBOX = ListSpec(
    name="inbox",
    source=INBOX_SOURCE,
    id_column=_M.id,
    fields={f.name: f for f in _FIELDS},
    output=tuple(f.name for f in _FIELDS),
    search=TextSearch(fields=("title", "body")),
    tables=frozenset({"messages", "message_receipts", "users"}),
    default_sort=(("created_at", True),),  # newest first
)
_OWN_RECEIPT = RECEIPTS_TABLE.c.user_id == _READER
_UNREAD = RECEIPTS_TABLE.c.read_at.is_(None)


# --- recipients ----------------------------------------------------------------------------------


def send_message(*, session: Session, actor: Principal, message_in: MessageCreate) -> Message:
    """Send a message; its recipients are fixed now, and each is told at once (`message.created`)."""
    actor.require(Permission.messages_send)
    set_actor(session, actor)
    audience = message_in.audience.normalized()
    check_audience(session, actor, audience)
    message = Message(
        title=message_in.title,
        body=message_in.body,
        audience=audience.model_dump(mode="json"),
        author_id=actor.id,
    )
    recipients = recipient_ids(session=session, audience=audience, exclude=actor.id)
    # One flush writes the message and its receipts, so its event knows every recipient.
    message.receipts = [MessageReceipt(user_id=uid) for uid in recipients]  # type: ignore[call-arg]
    session.add(message)
    session.commit()
    return message


def mark_read(*, session: Session, actor: Principal, message_id: int) -> None:
    """Mark a message read for `actor` (once: reading it again keeps the first time); 404 if it is not
    addressed to them."""
    actor.require(Permission.messages_read)
    set_actor(session, actor)
    receipt = session.get(MessageReceipt, (message_id, actor.id)) if is_row_id(message_id) else None
    if receipt is None:
        if _readable(session, actor, message_id):
            return  # the author or head office looking at it: nothing to mark
        raise not_found("Message", message_id)
    if receipt.read_at is None:
        session.execute(
            update(MessageReceipt)
            .where(
                col(MessageReceipt.message_id) == message_id,
                col(MessageReceipt.user_id) == actor.id,
                col(MessageReceipt.read_at).is_(None),
            )
            .values(read_at=utcnow())
        )
    session.commit()


# --- reads ---------------------------------------------------------------------------------------


def parse_inbox_query(params: Iterable[tuple[str, str]]) -> tuple[ListQuery, bool]:
    """A validated inbox query, and whether `unread=true` asked for unread messages only."""
    unread: bool | None = None
    rest = []
    for key, raw in params:
        if key != "unread":
            rest.append((key, raw))
            continue
        if unread is not None:
            raise filter_error("unread", "is given more than once.")
        value = raw.strip().lower()
        if value not in ("true", "false"):
            raise filter_error("unread", f"{raw!r} is not true or false.", value=raw)
        unread = value == "true"
    return listing.parse_query(INBOX, rest), bool(unread)


def _audiences(session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    rows = session.execute(select(_M.id, _M.audience).where(_M.id.in_(ids)))
    return {int(mid): audience for mid, audience in rows}


def _public(item: dict[str, Any], audience: dict[str, Any]) -> MessagePublic:
    return MessagePublic.model_validate(
        {**item, "audience": audience, "author_name": item.get("author_name") or ""}
    )


def inbox(
    *, session: Session, actor: Principal, query: ListQuery, unread_only: bool = False
) -> dict[str, Any]:
    """A page of `actor`'s inbox (newest first unless sorted otherwise) and their unread count."""
    actor.require(Permission.messages_read)
    scopes = [Scope("reader", _OWN_RECEIPT, {"scope_user": actor.id})]
    if unread_only:
        scopes.append(Scope("unread", _UNREAD, {}))
    page = listing.fetch_page(session, INBOX, query, scope=scopes)
    items = page.items()
    audiences = _audiences(session, [int(i["id"]) for i in items])
    return {
        "items": [_public(i, audiences[int(i["id"])]).model_dump(mode="json") for i in items],
        "total": page.total,
        "page": page.query.page,
        "page_size": page.query.page_size,
        "pages": page.pages,
        "unread": unread_count(session=session, actor=actor),
    }


def unread_count(*, session: Session, actor: Principal) -> int:
    """How many messages addressed to `actor` they have not read."""
    r = RECEIPTS_TABLE.c
    stmt = select(func.count()).where(r.user_id == actor.id, r.read_at.is_(None))
    return int(session.execute(stmt).scalar_one())


def _readable(session: Session, actor: Principal, message_id: int) -> bool:
    message = session.get(Message, message_id)
    if message is None:
        return False
    return actor.role in HEAD_OFFICE or message.author_id == actor.id


def _author_name(session: Session, author_id: int | None) -> str:
    author = session.get(User, author_id) if author_id is not None else None
    return (author.full_name or author.email) if author is not None else ""


def get_message(*, session: Session, actor: Principal, message_id: int) -> MessagePublic:
    """One message for a recipient (with their `read_at`), its author, office or admin; else 404."""
    actor.require(Permission.messages_read)
    message = session.get(Message, message_id) if is_row_id(message_id) else None
    if message is None:
        raise not_found("Message", message_id)
    receipt = session.get(MessageReceipt, (message_id, actor.id))
    if receipt is None and not _readable(session, actor, message_id):
        raise not_found("Message", message_id)
    return MessagePublic(
        id=message_id,
        title=message.title,
        body=message.body,
        audience=Audience.model_validate(message.audience),
        author_id=message.author_id,
        author_name=_author_name(session, message.author_id),
        created_at=message.created_at,
        read_at=receipt.read_at if receipt is not None else None,
    )


def receipts(*, session: Session, actor: Principal, message_id: int) -> Receipts:
    """Who the message went to and who has read it (author, office, admin; 403 for another recipient,
    404 for anyone else)."""
    actor.require(Permission.messages_read)
    if not is_row_id(message_id) or not _readable(session, actor, message_id):
        if is_row_id(message_id) and session.get(MessageReceipt, (message_id, actor.id)) is not None:
            # a recipient may read the message, but who else has read it is for its author and office
            raise PermissionDeniedError("Only the author, office and admin see who has read a message.")
        raise not_found("Message", message_id)
    r, u = RECEIPTS_TABLE.c, USERS_TABLE.c
    rows = session.execute(
        select(r.user_id, u.full_name, u.email, r.read_at)
        .join(USERS_TABLE, u.id == r.user_id)
        .where(r.message_id == message_id)
        .order_by(r.read_at.is_(None), r.read_at, u.full_name, u.id)
    ).all()
    items = [ReceiptItem(user_id=uid, full_name=name or email, read_at=at) for uid, name, email, at in rows]
    return Receipts(recipients=len(items), read=sum(1 for i in items if i.read_at), items=items)


def sent_messages(*, session: Session, actor: Principal, limit: int = 50) -> list[dict[str, Any]]:
    """What `actor` sent (head office: what anyone sent), newest first, with read counts (for the UI)."""
    actor.require(Permission.messages_send)
    r = RECEIPTS_TABLE.c
    counts = (
        select(
            r.message_id,
            func.count().label("recipients"),
            func.count(r.read_at).label("read"),
        )
        .group_by(r.message_id)
        .subquery("counts")
    )
    stmt = (
        select(_M.id, _M.title, _M.created_at, AUTHORS.c.full_name, counts.c.recipients, counts.c.read)
        .select_from(MESSAGES_TABLE)
        .outerjoin(AUTHORS, AUTHORS.c.id == _M.author_id)
        .outerjoin(counts, counts.c.message_id == _M.id)
        .order_by(_M.created_at.desc(), _M.id.desc())
        .limit(limit)
    )
    if actor.role not in HEAD_OFFICE:
        stmt = stmt.where(_M.author_id == actor.id)
    return [
        {
            "id": int(mid),
            "title": title,
            "created_at": created,
            "author_name": author or "",
            "recipients": int(total or 0),
            "read": int(read or 0),
        }
        for mid, title, created, author, total, read in session.execute(stmt)
    ]


def load_events(connection: Any, ids: list[int]) -> dict[int, tuple[dict[str, Any], dict[str, Any]]]:
    """Event data (the message as a recipient first sees it) and its recipients, in two queries."""
    rows = connection.execute(
        select(_M.id, _M.title, _M.body, _M.audience, _M.author_id, _M.created_at, AUTHORS.c.full_name)
        .select_from(MESSAGES_TABLE.outerjoin(AUTHORS, AUTHORS.c.id == _M.author_id))
        .where(_M.id.in_(ids))
    ).all()
    recipients: dict[int, list[int]] = {}
    for mid, uid in connection.execute(
        select(RECEIPTS_TABLE.c.message_id, RECEIPTS_TABLE.c.user_id).where(
            RECEIPTS_TABLE.c.message_id.in_(ids)
        )
    ):
        recipients.setdefault(int(mid), []).append(int(uid))
    found = {}
    for mid, title, body, audience, author_id, created_at, author_name in rows:
        data = MessagePublic(
            id=mid,
            title=title,
            body=body,
            audience=Audience.model_validate(audience),
            author_id=author_id,
            author_name=author_name or "",
            created_at=created_at,
        ).model_dump(mode="json")
        found[int(mid)] = (data, {"recipients": recipients.get(int(mid), []), "author_id": author_id})
    return found
