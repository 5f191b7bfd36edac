"""Request and response shapes of the account API. Writable fields are listed explicitly, so no request
can set ``is_staff``, ``is_active``, ``id`` or ``user``."""

from rest_framework import serializers

from accounts.models import Address, User
from shared.postal import CountryField, PhoneField, RegionField, validate_postal
from shared.strict import StrictModelSerializer, StrictSerializer


class UserSerializer(StrictModelSerializer):
    id = serializers.CharField(read_only=True)
    phone = PhoneField()

    class Meta:
        model = User
        fields = ["id", "email", "first_name", "last_name", "phone", "is_staff", "date_joined"]
        read_only_fields = ["email", "is_staff", "date_joined"]


class RegisterSerializer(StrictSerializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=128)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    phone = PhoneField(default="")


class LoginSerializer(StrictSerializer):
    """The platform's own login body (the OAuth2 form is accounts.api.oauth2's)."""

    email = serializers.CharField(max_length=254)
    password = serializers.CharField(trim_whitespace=False, max_length=128)


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class RefreshSerializer(StrictSerializer):
    """A refresh token, to exchange (refresh) or to revoke (logout)."""

    refresh = serializers.CharField(max_length=4096)


class PasswordChangeSerializer(StrictSerializer):
    old_password = serializers.CharField(trim_whitespace=False, max_length=128)
    new_password = serializers.CharField(trim_whitespace=False, max_length=128)


class AddressSerializer(StrictModelSerializer):
    id = serializers.CharField(read_only=True)
    region = RegionField()
    country = CountryField()
    phone = PhoneField(in_address=True)

    class Meta:
        model = Address
        fields = [
            "id",
            "label",
            "line1",
            "line2",
            "city",
            "region",
            "postal_code",
            "country",
            "phone",
            "is_default",
        ]

    def validate(self, attrs):
        return validate_postal(attrs, current=self.instance)


class VerificationSerializer(serializers.Serializer):
    id = serializers.CharField()
    exists = serializers.BooleanField()
    is_active = serializers.BooleanField()
