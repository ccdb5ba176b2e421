from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from linke.models import User
from linke.tenancy import all_providers
from providers.choices import Role
from providers.models import Membership, Provider

PASSWORD = "linke-demo-2026"  # noqa: S105 - published demo password, development only

USERS = [
    # email, display name, superuser
    ("operator@linke.test", "林客运营", True),
    ("owner@alpha.test", "阿尔法老板", False),
    ("bd@alpha.test", "阿尔法商务小王", False),
    ("owner@beta.test", "贝塔老板", False),
    ("merchant@demo.test", "演示商家", False),
]
PROVIDERS = [
    # name, credit code (valid GB 32100-2015 check character), members
    ("阿尔法服务商", "91350100M000100Y43", [("owner@alpha.test", Role.OWNER), ("bd@alpha.test", Role.BD)]),
    ("贝塔服务商", "91110000600037341L", [("owner@beta.test", Role.OWNER)]),
]


class Command(BaseCommand):
    help = "Create the demo logins of SPEC §10 (idempotent; development only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo creates accounts with a published password: refused while DEBUG is off.")
        with transaction.atomic(), all_providers():
            users = {}
            for email, display_name, superuser in USERS:
                user, created = User.objects.get_or_create(
                    email=email,
                    defaults={"display_name": display_name, "is_staff": superuser, "is_superuser": superuser},
                )
                if created:
                    user.set_password(PASSWORD)
                    user.save(update_fields=["password"])
                EmailAddress.objects.update_or_create(
                    user=user, email=email, defaults={"verified": True, "primary": True}
                )
                users[email] = user
            for name, credit_code, members in PROVIDERS:
                provider, _ = Provider.objects.get_or_create(credit_code=credit_code, defaults={"name": name})
                for email, role in members:
                    Membership.objects.get_or_create(provider=provider, user=users[email], defaults={"role": role})
        self.stdout.write(self.style.SUCCESS(f"demo data ready: {len(USERS)} logins, password {PASSWORD}"))
        for email, _, _ in USERS:
            self.stdout.write(f"  {email}")
