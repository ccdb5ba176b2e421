from rest_framework import serializers

from ..models import Notification, User


class MembershipSummarySerializer(serializers.Serializer):
    provider_id = serializers.IntegerField()
    provider_name = serializers.CharField(source="provider.name")
    role = serializers.CharField()


class MeOutputSerializer(serializers.ModelSerializer):
    current_provider_id = serializers.SerializerMethodField()
    memberships = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "display_name", "current_provider_id", "memberships"]

    def get_current_provider_id(self, user) -> int | None:
        provider = self.context["request"].provider
        return provider.pk if provider else None

    def get_memberships(self, user) -> list[dict]:
        return MembershipSummarySerializer(self.context["request"].memberships, many=True).data


class NotificationOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "verb", "title", "body", "url", "created_at", "read_at"]
