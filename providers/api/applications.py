"""API twin of the application page: the current user's own 入驻申请 (user-owned, not provider-scoped)."""

from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from linke.actors import Actor
from linke.api.fields import CreditCodeSerializerField, RelatedListField
from linke.errors import RateLimited
from reference.forms import KeepsChosenRowsMixin
from reference.selectors import service_city_choices, track_choices

from ..choices import CooperationMode
from ..models import ProviderApplication
from ..ratelimits import UPLOADS_PER_HOUR, upload_limit_message, upload_retry_after
from ..services.applications import application_save_draft, application_start_again, application_submit
from ..validators import LICENCE_HELP_TEXT, validate_licence_file

FIELDS = [
    "legal_name",
    "credit_code",
    "legal_representative",
    "licence",
    "contact_name",
    "contact_mobile",
    "service_cities",
    "tracks",
    "cooperation_modes",
    "access_mode",
    "introduction",
]


class ApplicationInputSerializer(KeepsChosenRowsMixin, serializers.ModelSerializer):
    """Any subset of the fields (a draft may be half-filled); what is given must be valid."""

    credit_code = CreditCodeSerializerField(max_length=40, required=False, allow_blank=True)
    service_cities = RelatedListField(required=False, queryset=service_city_choices())
    tracks = RelatedListField(required=False, queryset=track_choices(), lookup="slug")
    cooperation_modes = serializers.ListField(child=serializers.ChoiceField(CooperationMode.choices), required=False)
    licence = serializers.FileField(required=False, validators=[validate_licence_file], help_text=LICENCE_HELP_TEXT)

    class Meta:
        model = ProviderApplication
        fields = FIELDS
        extra_kwargs = {
            field: {"required": False}
            for field in ["legal_name", "legal_representative", "contact_name", "contact_mobile", "access_mode"]
        }


class ApplicationOutputSerializer(serializers.ModelSerializer):
    service_cities = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    tracks = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")
    licence = serializers.SerializerMethodField(help_text="Where the applicant (or an operator) can view the licence.")

    class Meta:
        model = ProviderApplication
        fields = [
            "id",
            "status",
            *FIELDS,
            "review_reason",
            "submitted_at",
            "decided_at",
            "provider",
            "created_at",
            "updated_at",
        ]

    def get_licence(self, application) -> str | None:
        if not application.licence:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("portal:application_licence", kwargs={"pk": application.pk})
        )


DRAFT_EXAMPLE = OpenApiExample(
    "Start a draft",
    value={
        "legal_name": "福州林客数字科技有限公司",
        "credit_code": "91350100M000100Y43",
        "legal_representative": "陈林",
        "contact_name": "王小明",
        "contact_mobile": "+8613912345678",
        "service_cities": [1, 2],
        "tracks": ["dining", "beauty"],
        "cooperation_modes": ["specialized", "full_operation"],
        "access_mode": "both",
        "introduction": "专注餐饮与丽人赛道的本地生活服务商。",
    },
    request_only=True,
)
INCOMPLETE_EXAMPLE = OpenApiExample(
    "Submitted before it is complete",
    value={
        "code": "application_incomplete",
        "message": "The application is not complete yet: please fill in the marked fields.",
        "details": {"licence": ["This field is required to submit the application."]},
    },
    response_only=True,
    status_codes=["400"],
)
WRITE_REQUEST = {"application/json": ApplicationInputSerializer, "multipart/form-data": ApplicationInputSerializer}


UPLOADS_LIMITED = OpenApiResponse(description=f"A licence file sent more than {UPLOADS_PER_HOUR} times an hour.")


@extend_schema_view(
    list=extend_schema(summary="Your applications, newest first"),
    retrieve=extend_schema(summary="One of your applications"),
)
class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """入驻申请 of the current user. Another user's application answers 404. Upload the licence as
    `multipart/form-data` (PDF/JPEG/PNG by content, at most 5 MB). Operators decide in the admin."""

    serializer_class = ApplicationOutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ProviderApplication.objects.none()
        return (
            ProviderApplication.objects.filter(applicant=self.request.user)
            .prefetch_related("service_cities", "tracks")
            .order_by("-created_at", "-pk")
        )

    def respond(self, application, status_code=status.HTTP_200_OK):
        application = self.get_queryset().get(pk=application.pk)
        return Response(self.get_serializer(application).data, status=status_code)

    def save_draft(self, request, application=None):
        serializer = ApplicationInputSerializer(application, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        licence = data.pop("licence", None)
        if licence is not None and (wait := upload_retry_after(request)) is not None:
            raise RateLimited(wait=wait, detail=upload_limit_message(wait))
        return application_save_draft(
            actor=Actor.for_user(request.user), application=application, data=data, licence=licence
        )

    @extend_schema(
        summary="Start an application (a draft)",
        request=WRITE_REQUEST,
        responses={201: ApplicationOutputSerializer, 429: UPLOADS_LIMITED},
        examples=[DRAFT_EXAMPLE],
    )
    def create(self, request):
        return self.respond(self.save_draft(request), status.HTTP_201_CREATED)

    @extend_schema(
        summary="Update your draft (or the application after changes were requested)",
        request=WRITE_REQUEST,
        responses={200: ApplicationOutputSerializer, 429: UPLOADS_LIMITED},
        examples=[DRAFT_EXAMPLE],
    )
    def partial_update(self, request, pk=None):
        return self.respond(self.save_draft(request, self.get_object()))

    @extend_schema(
        summary="Submit the application for review",
        request=None,
        responses={
            200: ApplicationOutputSerializer,
            400: OpenApiResponse(description="Incomplete or invalid: `details` lists the fields."),
            409: OpenApiResponse(description="Not a draft any more, or a provider already has the credit code."),
        },
        examples=[INCOMPLETE_EXAMPLE],
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self.respond(application_submit(actor=Actor.for_user(request.user), application=self.get_object()))

    @extend_schema(
        summary="Start again from your latest rejected application",
        description="A new draft with the rejected application's answers and a copy of its licence file.",
        request=None,
        responses={
            201: ApplicationOutputSerializer,
            409: OpenApiResponse(description="No rejected application, or one is already in progress."),
            429: UPLOADS_LIMITED,
        },
    )
    @action(detail=False, methods=["post"], url_path="start-again")
    def start_again(self, request):
        if (wait := upload_retry_after(request)) is not None:  # the licence is copied: a new file
            raise RateLimited(wait=wait, detail=upload_limit_message(wait))
        return self.respond(application_start_again(actor=Actor.for_user(request.user)), status.HTTP_201_CREATED)
