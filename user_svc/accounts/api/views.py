"""HTTP views of user_svc: parse, call one service or selector, serialize."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed, NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet
from rest_framework_simplejwt.exceptions import InvalidToken

from accounts import selectors, services, tokens
from accounts.api import serializers
from accounts.api.throttles import LoginAccountThrottle, LoginAddressThrottle
from accounts.errors import (
    AddressRuleBroken,
    EmailAlreadyRegistered,
    InvalidCredentials,
    InvalidRefreshToken,
    WrongPassword,
)
from accounts.models import Address
from shared.auth.permissions import IsPerson, IsStaffOrService
from shared.errors import Conflict
from shared.openapi import ErrorDocumentingSchema, error_responses
from shared.parsers import JSONParser


def _password_errors(exc: DjangoValidationError, field: str) -> ValidationError:
    return ValidationError({field: list(exc.messages)})


class PublicView(APIView):
    """Open endpoints: no credentials are read, but a refusal is still a 401 with a Bearer challenge."""

    permission_classes = [AllowAny]
    authentication_classes = []
    schema = ErrorDocumentingSchema()
    parser_classes = [JSONParser]

    def get_authenticate_header(self, request):
        return 'Bearer realm="api"'


class RegisterView(PublicView):
    @extend_schema(
        request=serializers.RegisterSerializer,
        responses={201: serializers.UserSerializer, **error_responses(409)},
    )
    def post(self, request):
        payload = serializers.RegisterSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            user = services.user_register(**payload.validated_data)
        except DjangoValidationError as exc:
            raise _password_errors(exc, "password") from None
        except EmailAlreadyRegistered as exc:
            raise Conflict({"email": [str(exc)]}) from None
        return Response(serializers.UserSerializer(user).data, status=status.HTTP_201_CREATED)


class LoginView(PublicView):
    throttle_classes = [LoginAccountThrottle, LoginAddressThrottle]

    @extend_schema(
        request=serializers.LoginSerializer,
        responses={200: serializers.TokenPairSerializer, **error_responses(401, 429)},
    )
    def post(self, request):
        payload = serializers.LoginSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            pair = services.user_login(**payload.validated_data)
        except InvalidCredentials as exc:
            raise AuthenticationFailed(str(exc)) from None
        return Response(pair)


class RefreshView(PublicView):
    @extend_schema(
        request=serializers.RefreshSerializer,
        responses={200: serializers.TokenPairSerializer, **error_responses(401)},
    )
    def post(self, request):
        payload = serializers.RefreshSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            pair = tokens.tokens_rotate(refresh=payload.validated_data["refresh"])
        except InvalidRefreshToken as exc:
            raise InvalidToken(str(exc)) from None
        return Response(pair)


class LogoutView(PublicView):
    @extend_schema(request=serializers.RefreshSerializer, responses={204: None, **error_responses(401)})
    def post(self, request):
        payload = serializers.RefreshSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            tokens.tokens_revoke(refresh=payload.validated_data["refresh"])
        except InvalidRefreshToken as exc:
            raise InvalidToken(str(exc)) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


def _current_user(request):
    user = selectors.user_get_active(user_id=request.user.id)
    if user is None:  # deleted or deactivated since the token was issued
        raise AuthenticationFailed("User not found or inactive.", code="user_not_found")
    return user


class MeView(APIView):
    permission_classes = [IsPerson]
    schema = ErrorDocumentingSchema()
    parser_classes = [JSONParser]

    @extend_schema(responses=serializers.UserSerializer)
    def get(self, request):
        return Response(serializers.UserSerializer(_current_user(request)).data)

    @extend_schema(request=serializers.UserSerializer, responses=serializers.UserSerializer)
    def put(self, request):
        return self._update(request, partial=False)

    @extend_schema(request=serializers.UserSerializer, responses=serializers.UserSerializer)
    def patch(self, request):
        return self._update(request, partial=True)

    def _update(self, request, partial):
        user = _current_user(request)
        payload = serializers.UserSerializer(user, data=request.data, partial=partial)
        payload.is_valid(raise_exception=True)
        user = services.user_update_profile(user=user, **payload.validated_data)
        return Response(serializers.UserSerializer(user).data)


class PasswordChangeView(APIView):
    permission_classes = [IsPerson]
    schema = ErrorDocumentingSchema()
    parser_classes = [JSONParser]

    @extend_schema(request=serializers.PasswordChangeSerializer, responses={204: None})
    def post(self, request):
        payload = serializers.PasswordChangeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            services.user_change_password(user=_current_user(request), **payload.validated_data)
        except WrongPassword as exc:
            raise ValidationError({"old_password": [str(exc)]}) from None
        except DjangoValidationError as exc:
            raise _password_errors(exc, "new_password") from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class AddressViewSet(GenericViewSet):
    """The caller's own addresses; another user's address id is a 404."""

    permission_classes = [IsPerson]
    schema = ErrorDocumentingSchema()
    parser_classes = [JSONParser]
    serializer_class = serializers.AddressSerializer
    queryset = Address.objects.none()  # for the schema; every read goes through selectors

    def list(self, request):
        page = self.paginate_queryset(selectors.address_list(user=_current_user(request)))
        return self.get_paginated_response(serializers.AddressSerializer(page, many=True).data)

    @extend_schema(request=serializers.AddressSerializer, responses={201: serializers.AddressSerializer})
    def create(self, request):
        payload = serializers.AddressSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        address = self._apply(services.address_create, user=_current_user(request), **payload.validated_data)
        return Response(serializers.AddressSerializer(address).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=serializers.AddressSerializer)
    def retrieve(self, request, pk=None):
        return Response(serializers.AddressSerializer(self._get(request, pk)).data)

    @extend_schema(request=serializers.AddressSerializer, responses=serializers.AddressSerializer)
    def update(self, request, pk=None):
        return self._update(request, pk, partial=False)

    @extend_schema(request=serializers.AddressSerializer, responses=serializers.AddressSerializer)
    def partial_update(self, request, pk=None):
        return self._update(request, pk, partial=True)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        services.address_delete(address=self._get(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _update(self, request, pk, partial):
        address = self._get(request, pk)
        payload = serializers.AddressSerializer(address, data=request.data, partial=partial)
        payload.is_valid(raise_exception=True)
        address = self._apply(services.address_update, address=address, **payload.validated_data)
        return Response(serializers.AddressSerializer(address).data)

    def _get(self, request, pk):
        address = selectors.address_get(user=_current_user(request), address_id=pk)
        if address is None:
            raise NotFound()
        return address

    @staticmethod
    def _apply(operation, **kwargs):
        try:
            return operation(**kwargs)
        except AddressRuleBroken as exc:
            raise ValidationError({"detail": str(exc)}) from None
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None


class VerifyView(APIView):
    """For staff and other services: does this user exist, is it active? Customers get 403 for every
    id, their own included, so the answer cannot be used to enumerate accounts."""

    permission_classes = [IsStaffOrService]
    schema = ErrorDocumentingSchema()

    @extend_schema(responses=serializers.VerificationSerializer)
    def get(self, request, user_id):
        return Response(selectors.user_verification(user_id=user_id))
