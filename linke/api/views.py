from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ..models import Notification
from ..notifications import notification_mark_read
from .serializers import NotificationOutputSerializer


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The authenticated user's notifications, newest first."""

    serializer_class = NotificationOutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return Notification.objects.filter(recipient=self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=None, responses={200: {"type": "object", "properties": {"marked": {"type": "integer"}}}})
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request):
        return Response({"marked": notification_mark_read(recipient=request.user)})
