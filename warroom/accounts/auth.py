"""Bearer-token authentication for the REST API."""

from __future__ import annotations

from ninja.security import HttpBearer

from warroom.accounts.permissions import is_responder
from warroom.accounts.services import user_for_token
from warroom.lib.errors import Forbidden


class TokenAuth(HttpBearer):
    openapi_description = "An API token from `warroom token create USER`."

    def authenticate(self, request, token: str):
        user = user_for_token(token)
        if user is None:
            return None  # ninja answers 401
        if not is_responder(user):
            raise Forbidden(
                f"{user.username} is not a responder; an admin can add them to the group"
            )
        request.user = user
        return user
