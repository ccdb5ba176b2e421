from django.db import models


class ActiveQuerySet(models.QuerySet):
    def active(self):
        """Offered for new choices; operators deactivate rather than delete."""
        return self.filter(is_active=True)
