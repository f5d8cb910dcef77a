"""Users, people on the roster and API tokens."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from warroom.accounts.models import RESPONDERS_GROUP, ApiToken, Person, hash_token
from warroom.lib.errors import Invalid, NotFound

User = get_user_model()


@transaction.atomic
def create_user(
    *, username: str, email: str, name: str = "", admin: bool = False, password: str | None = None
):
    """Create a login that is also a person on the roster and a responder."""
    username = username.strip()
    if not username:
        raise Invalid("the username is empty")
    if User.objects.filter(username=username).exists():
        raise Invalid(f"a user named {username!r} exists already")
    user = User(username=username, email=email, is_staff=admin, is_superuser=admin)
    first, _, last = name.strip().partition(" ")
    user.first_name, user.last_name = first, last
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get_or_create(name=RESPONDERS_GROUP)[0])
    Person.objects.update_or_create(
        username=username,
        defaults={"display_name": name.strip() or username, "email": email, "user": user},
    )
    return user


def get_user(username: str):
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        raise NotFound(
            f"no user named {username!r}; create one with `warroom createuser`"
        ) from None


def create_token(*, user, name: str = "") -> str:
    """Return a new raw token; only its hash is stored."""
    raw = ApiToken.generate()
    ApiToken.objects.create(user=user, name=name, digest=hash_token(raw), prefix=raw[:10])
    return raw


def revoke_token(*, prefix: str) -> int:
    return ApiToken.objects.filter(prefix=prefix, revoked_at=None).update(revoked_at=timezone.now())


def user_for_token(raw: str):
    """The active user a raw token belongs to, or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=hash_token(raw), revoked_at=None, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Write at most once a minute: a busy CLI must not turn every read into a write.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def get_person(username: str) -> Person:
    """A roster person by username; a user without a roster entry gets one."""
    person = Person.objects.filter(username=username).first()
    if person is not None:
        return person
    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotFound(
            f"no person {username!r} on the roster; add them with `warroom createuser {username} --email E` "
            "or in the admin"
        )
    return Person.objects.create(
        username=username,
        display_name=user.get_full_name() or username,
        email=user.email,
        user=user,
    )


def _roster_row(i: int, row) -> dict:
    if not isinstance(row, dict):
        raise Invalid(f"roster entry {i + 1} is not an object")
    name = str(row.get("name") or "").strip()
    username = str(row.get("username") or "").strip()
    if not name or not username:
        raise Invalid(f"roster entry {i + 1} needs a name and a username")
    if not slugify(username) == username.lower() or len(username) > 150:
        raise Invalid(
            f"roster entry {i + 1}: username {username!r} may only hold letters, digits, - and _"
        )
    aliases = row.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise Invalid(f"roster entry {i + 1} ({username}): aliases must be a list of strings")
    email = str(row.get("email") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Invalid(
                f"roster entry {i + 1} ({username}): {email!r} is not an e-mail address"
            ) from None
    return {
        "username": username,
        "display_name": name,
        "email": email,
        "aliases": [a.strip() for a in aliases if a.strip()],
        "team": str(row.get("team") or "").strip(),
    }


@transaction.atomic
def import_roster(rows) -> tuple[int, int]:
    """Create or update people by username; returns (created, updated). All or nothing."""
    if not isinstance(rows, list):
        raise Invalid("the roster must be a JSON list of people")
    created = updated = 0
    for i, row in enumerate(rows):
        fields = _roster_row(i, row)
        _, was_created = Person.objects.update_or_create(
            username=fields.pop("username"), defaults=fields
        )
        created += was_created
        updated += not was_created
    return created, updated
