"""The one error type the service answers with: an HTTP status, a stable error code and a
message for the client (never patient data, never a token)."""

from __future__ import annotations

from typing import Any, Dict, Optional


class HttpError(Exception):
    """An answer other than 200: status, a stable error code and a message for the client."""

    def __init__(self, status: int, code: str, message: str,
                 headers: Optional[Dict[str, str]] = None) -> None:
        super().__init__(message)
        self.status, self.code, self.headers = status, code, headers or {}

    def body(self) -> Dict[str, Any]:
        return {"error": self.code, "message": str(self)}


class ClientGone(Exception):
    """The client closed or reset the connection before its request was read: nothing can be
    answered, and it is not the service's error (logged as 499, nginx's "client closed
    request")."""
