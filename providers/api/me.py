from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from linke.models import User

from .base import ProviderAPIView


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


class MeView(ProviderAPIView):
    """The authenticated user, the providers they belong to and the one acted for."""

    provider_required = False

    @extend_schema(responses=MeOutputSerializer)
    def get(self, request):
        return Response(MeOutputSerializer(request.user, context={"request": request}).data)
