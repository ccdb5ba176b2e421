from django.db import models  # noqa: F401 - certification's models arrive with their issue
