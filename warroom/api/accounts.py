"""REST: who am I (for `warroom login` to check a token)."""

from ninja import Router, Schema

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    name: str
    is_admin: bool


@router.get("/me", response=MeOut, summary="The user this token belongs to")
def me(request):
    user = request.auth
    return {"username": user.username, "name": user.get_full_name(), "is_admin": user.is_superuser}
