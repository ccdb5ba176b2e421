"""API twins of the 身份验真码 pages: the member's code, who verified the staff, and the public check."""

from dataclasses import asdict

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from linke.errors import RateLimited
from linke.http import client_ip

from ..choices import ProviderStatus, Role, VerificationOutcome
from ..models import VerificationCode, VerificationEvent
from ..permissions import Action
from ..ratelimits import LOOKUPS_PER_HOUR, LOOKUPS_PER_MINUTE, lookup_limit_message, lookup_retry_after
from ..selectors import verification_code_get_live, verification_event_list
from ..services.verification import (
    verification_code_generate,
    verification_code_revoke,
    verification_lookup,
    verify_url,
)
from .base import ProviderScopedViewSet


class VerificationCodeOutputSerializer(serializers.ModelSerializer):
    display_code = serializers.CharField(help_text="The code as shown to people: two groups of five.")
    verify_url = serializers.SerializerMethodField(help_text="What the QR code opens: the public check of this code.")

    class Meta:
        model = VerificationCode
        fields = ["code", "display_code", "created_at", "expires_at", "verify_url"]

    def get_verify_url(self, code) -> str:
        return verify_url(code.code, self.context.get("request"))


CODE_EXAMPLE = OpenApiExample(
    "A new code",
    value={
        "code": "7KQ2MX9XDA",
        "display_code": "7KQ2M-X9XDA",
        "created_at": "2026-03-02T10:00:00+08:00",
        "expires_at": "2026-03-02T10:10:00+08:00",
        "verify_url": "https://linke.example/verify/7KQ2MX9XDA/",
    },
    response_only=True,
)


class VerificationCodeViewSet(ProviderScopedViewSet):
    """The current member's 身份验真码 (owner, admin and BD staff of a provider in good standing)."""

    model = VerificationCode
    serializer_class = VerificationCodeOutputSerializer
    write_permission = Action.USE_VERIFICATION_CODE
    action_permissions = {"current": Action.USE_VERIFICATION_CODE}

    @extend_schema(
        summary="Generate a new code (valid 10 minutes; the previous one is revoked)",
        request=None,
        responses={201: VerificationCodeOutputSerializer},
        examples=[CODE_EXAMPLE],
    )
    def create(self, request):
        code = verification_code_generate(actor=request.actor)
        return Response(self.get_serializer(code).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="The member's live code (404 when there is none)",
        responses={200: VerificationCodeOutputSerializer},
        examples=[CODE_EXAMPLE],
    )
    @extend_schema(methods=["DELETE"], summary="Revoke the member's live code now", responses={204: None})
    @action(detail=False, methods=["get", "delete"])
    def current(self, request):
        code = verification_code_get_live(membership=request.membership)
        if code is None:
            raise NotFound
        if request.method == "DELETE":
            verification_code_revoke(actor=request.actor, code=code)
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(self.get_serializer(code).data)


class VerificationEventOutputSerializer(serializers.ModelSerializer):
    verified_at = serializers.DateTimeField(source="created_at")
    member = serializers.IntegerField(source="membership_id", help_text="The membership whose code was checked.")
    member_name = serializers.CharField(source="membership.user.display_name")
    code = serializers.CharField(source="code.display_code")

    class Meta:
        model = VerificationEvent
        fields = ["id", "verified_at", "member", "member_name", "code"]


class VerificationEventViewSet(mixins.ListModelMixin, ProviderScopedViewSet):
    """Successful checks of the provider's codes, newest first: owner and admins see all, others their own."""

    model = VerificationEvent
    serializer_class = VerificationEventOutputSerializer

    def scope_queryset(self, queryset):
        return verification_event_list(queryset, membership=self.request.membership)


class VerifiedSerializer(serializers.Serializer):
    valid = serializers.BooleanField(help_text="Always true here.")
    provider_name = serializers.CharField()
    staff_name = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)
    role_display = serializers.CharField()
    provider_status = serializers.ChoiceField(choices=ProviderStatus.choices)
    certified_tracks = serializers.ListField(child=serializers.CharField())
    tier = serializers.CharField(allow_null=True)
    valid_until = serializers.DateTimeField()


class VerificationFailedSerializer(serializers.Serializer):
    valid = serializers.BooleanField(help_text="Always false here.")
    outcome = serializers.ChoiceField(choices=VerificationOutcome.choices)
    message = serializers.CharField()


class PublicVerifyView(APIView):
    """Check a 身份验真码 (no authentication; case, spaces and hyphens in `code` do not matter).
    Every answer is 200: `valid: true` with exactly the public facts (provider, staff name, role,
    provider status, certified tracks, tier, valid until) and the check is recorded as evidence of
    the visit; or `valid: false` with the `outcome` (unknown, expired, revoked, replaced, suspended) and nothing
    about any provider. Lookups are limited per client IP, shared with the `/verify/` page; over the
    limit the answer is 429 with code `rate_limited`."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Check an identity-verification code",
        responses={
            200: PolymorphicProxySerializer(
                component_name="VerificationCheck",
                serializers=[VerifiedSerializer, VerificationFailedSerializer],
                resource_type_field_name=None,
            ),
            429: OpenApiResponse(description=f"More than {LOOKUPS_PER_MINUTE} a minute or {LOOKUPS_PER_HOUR} an hour."),
        },
        examples=[
            OpenApiExample(
                "Valid",
                value={
                    "valid": True,
                    "provider_name": "阿尔法服务商",
                    "staff_name": "王小明",
                    "role": "bd",
                    "role_display": "商务拓客",
                    "provider_status": "active",
                    "certified_tracks": ["餐饮"],
                    "tier": "L3 优选",
                    "valid_until": "2026-03-02T10:10:00+08:00",
                },
                response_only=True,
            ),
            OpenApiExample(
                "Expired",
                value={"valid": False, "outcome": "expired", "message": "This code has expired. …"},
                response_only=True,
            ),
        ],
    )
    def get(self, request, code):
        if (wait := lookup_retry_after(request)) is not None:
            raise RateLimited(wait=wait, detail=lookup_limit_message(wait))
        result = verification_lookup(
            raw_code=code,
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            viewer=request.user,
        )
        if not result.valid:
            failed = {"valid": False, "outcome": result.outcome, "message": result.message}
            return Response(VerificationFailedSerializer(failed).data)
        verified = {"valid": True, **asdict(result.staff), "role_display": result.staff.role_display}
        return Response(VerifiedSerializer(verified).data)
