"""Messages of third-party packages whose own zh-hans translation is missing or wrong, listed here so that
`makemessages` extracts them into our catalogue: Django reads the LOCALE_PATHS catalogue before the
packages' own, so our translation is the one shown. Nothing imports this module; when a package's release
fixes its catalogue, the line can go.

A name a package never passes through gettext (allauth's Authenticator has no verbose names) cannot be
borrowed this way: `linke/admin.py` names it."""

from django.utils.translation import gettext_noop

# Django 5.2's admin: the index's table headers (read by screen readers) and the user add form.
gettext_noop("Model name")
gettext_noop("Add link")
gettext_noop("Change or view list link")
gettext_noop("After you’ve created a user, you’ll be able to edit more user options.")
