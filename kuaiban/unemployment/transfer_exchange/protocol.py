"""The wire format between this kuaiban and another province's system for 失业保险关系跨省转移 (ours).

人社厅发〔2021〕85号 三 says the transfer may go 线上 “依托金保工程” and names what travels (the transfer record,
三（一）; the 联系函, 三（二）（三）) but no interface: this JSON over HTTP is our design, small on purpose.

======================================  ==========================================================
``POST /v1/transfer-messages``          one message → ``{"status": stored | duplicate | conflict}``
``GET  /v1/transfer-messages?after=&limit=``  the partner's messages for us after a sequence number:
                                        ``{"messages": [{"seq", …message}], "last"}``
======================================  ==========================================================

kuaiban serves the same two requests to a partner system at ``/api/unemployment/transfer-exchange/v1/…``
(header ``X-Partner-Token``: the token registered for that partner), so two kuaiban installations can talk.

A message is ``{"message_id", "transfer_ref", "kind", "sent_on", …body}``; ``message_id`` is the idempotency key
(``<transfer_ref>:<kind>``: each step happens once per transfer). A receiver stores a message id once: the same
id with the same content again is ``duplicate`` (nothing applied twice), with other content ``conflict``.

>>> digest({"b": 1, "a": "甲"}) == digest({"a": "甲", "b": 1})
True
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

MESSAGES = "/v1/transfer-messages"
ADMIN_FAULTS = "/v1/admin/faults"
ADMIN_ORIGINATE = "/v1/admin/originate"
ADMIN_STATE = "/v1/admin/state"

STORED = "stored"
DUPLICATE = "duplicate"
CONFLICT = "conflict"
ACCEPTED = (STORED, DUPLICATE)


def digest(message: dict[str, Any]) -> str:
    """Of a message's content; its feed position ``seq`` is not content."""
    content = {k: v for k, v in message.items() if k != "seq"}
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


class TransportError(Exception):
    """No usable answer (timeout, dropped connection, 5xx): the message may or may not have been stored."""
