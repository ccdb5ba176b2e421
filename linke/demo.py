"""Demo data for `make run` (development only). `manage.py seed_demo` runs each project app's
`demo.seed(demo)` in the order of INSTALLED_APPS, which is the order of the layers: an app seeds
its own rows, on top of what the apps below it have seeded. Every seeder is idempotent."""

from dataclasses import dataclass, field

from allauth.account.models import EmailAddress

from .models import User

PASSWORD = "linke-demo-2026"  # noqa: S105 - published demo password, development only


@dataclass
class Demo:
    """What the seeders share: the demo logins made so far (by email) and lines to print at the end."""

    users: dict[str, User] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def user(self, email: str, display_name: str, *, operator: bool = False) -> User:
        """A demo login with a verified email and the demo password (created once)."""
        user, created = User.objects.get_or_create(
            email=email, defaults={"display_name": display_name, "is_staff": operator, "is_superuser": operator}
        )
        if created:
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        self.users[email] = user
        return user


def seed(demo: Demo) -> None:
    demo.user("operator@linke.test", "林客运营", operator=True)
