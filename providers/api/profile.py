"""API twins of the provider settings page: profile, service packages, case studies."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, serializers
from rest_framework.response import Response

from linke.api.fields import RelatedListField
from reference.forms import KeepsChosenRowsMixin
from reference.models import Track
from reference.selectors import service_city_choices, track_choices

from ..choices import CooperationMode, ServiceArea
from ..models import CaseStudy, Provider, ServicePackage
from ..permissions import Action
from ..services.profile import case_study_save, profile_item_delete, provider_update, service_package_save
from .base import ProviderAPIView, ProviderScopedViewSet


class ProfileSerializer(KeepsChosenRowsMixin, serializers.ModelSerializer):
    service_cities = RelatedListField(required=False, queryset=service_city_choices())
    tracks = RelatedListField(required=False, queryset=track_choices(), lookup="slug")
    cooperation_modes = serializers.ListField(child=serializers.ChoiceField(CooperationMode.choices), required=False)
    service_areas = serializers.ListField(child=serializers.ChoiceField(ServiceArea.choices), required=False)

    class Meta:
        model = Provider
        fields = [
            "id",
            "name",
            "status",
            "introduction",
            "service_cities",
            "tracks",
            "cooperation_modes",
            "service_areas",
            "access_mode",
            "contact_name",
            "contact_mobile",
        ]
        read_only_fields = ["id", "name", "status"]


PROFILE_EXAMPLE = OpenApiExample(
    "Update the introduction and tracks",
    value={
        "introduction": "专注餐饮与丽人赛道的本地生活服务商。",
        "tracks": ["dining", "beauty"],
        "cooperation_modes": ["specialized", "full_operation"],
    },
    request_only=True,
)


class ProfileView(ProviderAPIView):
    """The current provider's directory profile: `GET` anyone in the team, `PATCH` owner/admin."""

    write_permission = Action.EDIT_SETTINGS

    @extend_schema(responses=ProfileSerializer)
    def get(self, request):
        return Response(ProfileSerializer(request.provider).data)

    @extend_schema(request=ProfileSerializer, responses=ProfileSerializer, examples=[PROFILE_EXAMPLE])
    def patch(self, request):
        serializer = ProfileSerializer(request.provider, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        provider = provider_update(actor=request.actor, provider=request.provider, data=serializer.validated_data)
        return Response(ProfileSerializer(provider).data)


class ServicePackageSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServicePackage
        fields = ["id", "name", "area", "level", "price", "description", "is_active"]


class CaseStudySerializer(serializers.ModelSerializer):
    track = serializers.SlugRelatedField(
        slug_field="slug", queryset=Track.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = CaseStudy
        fields = ["id", "title", "merchant_name", "track", "summary", "position"]


class ProfileItemViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ProviderScopedViewSet,
):
    """Writes go through the profile services (permission check + audit), never `serializer.save()`."""

    write_permission = Action.EDIT_SETTINGS
    instance_kwarg = ""

    save_service = None  # the profile service that creates or updates one row

    def perform_create(self, serializer):
        serializer.instance = self.save_service(
            actor=self.request.actor, provider=self.request.provider, data=serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = self.save_service(
            provider=self.request.provider,
            actor=self.request.actor,
            data=serializer.validated_data,
            **{self.instance_kwarg: serializer.instance},
        )

    def perform_destroy(self, instance):
        profile_item_delete(actor=self.request.actor, item=instance)


class ServicePackageViewSet(ProfileItemViewSet):
    """Specialized-service packages with a price in CNY, listed in the directory."""

    model = ServicePackage
    serializer_class = ServicePackageSerializer
    instance_kwarg = "package"
    save_service = staticmethod(service_package_save)
    filterset_fields = ["area", "level", "is_active"]

    def scope_queryset(self, queryset):
        return queryset.order_by("area", "price", "pk")


class CaseStudyViewSet(ProfileItemViewSet):
    """Case studies shown on the directory profile."""

    model = CaseStudy
    serializer_class = CaseStudySerializer
    instance_kwarg = "case_study"
    save_service = staticmethod(case_study_save)

    def scope_queryset(self, queryset):
        return queryset.select_related("track").order_by("position", "pk")
