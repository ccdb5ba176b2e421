from rest_framework import serializers

from ..models import Membership


class MembershipOutputSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email")
    display_name = serializers.CharField(source="user.display_name")

    class Meta:
        model = Membership
        fields = ["id", "email", "display_name", "role", "is_active", "created_at"]
