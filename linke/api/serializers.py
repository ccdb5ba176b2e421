from rest_framework import serializers

from ..models import Notification


class NotificationOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "verb", "title", "body", "url", "created_at", "read_at"]
