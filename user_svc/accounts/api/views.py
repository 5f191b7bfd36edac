"""HTTP views of user_svc: parse, call one service or selector, serialize."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed, NotFound, Throttled, ValidationError
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet
from rest_framework_simplejwt.exceptions import InvalidToken

from accounts import selectors, services, tokens
from accounts.api import oauth2, serializers
from accounts.errors import (
    AccountNotFound,
    AddressNotFound,
    AddressRuleBroken,
    EmailAlreadyRegistered,
    InvalidCredentials,
    InvalidRefreshToken,
    WrongPassword,
)
from accounts.login_throttle import LoginThrottled, login_attempt
from accounts.models import Address
from shared.auth.permissions import IsPerson, IsStaffOrService
from shared.errors import Conflict
from shared.openapi import ErrorDocumentingSchema, error_response, error_responses
from shared.pagination import PageQuerySerializer
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


# The token endpoints take the platform's JSON body or RFC 6749's form (accounts.api.oauth2); the answer
# has the shape of the request's form.
TOKEN_ANSWER = PolymorphicProxySerializer(
    component_name="TokenAnswer",
    serializers=[serializers.TokenPairSerializer, oauth2.OAuth2TokenSerializer],
    resource_type_field_name=None,
)
TOKEN_BAD_REQUEST = error_response(
    400,
    "JSON body: `{field: [messages]}`. Form: RFC 6749's `{error, error_description}`, with `error` one of "
    "`invalid_request` (a field missing, malformed or unknown), `unsupported_grant_type`, `invalid_scope` "
    "and `invalid_grant` (wrong credentials, or a refresh token invalid, expired or used).",
)


class LoginView(PublicView):
    """Log in with the account's email and password: a JSON body `{email, password}` answered
    `{access, refresh}`, or the OAuth2 password grant form (`grant_type=password&username=<email>&password=`)
    answered `{access_token, token_type, expires_in, refresh_token}`. Every attempt counts against the
    account's and the client address's login limits, shared with the staff login."""

    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        request={
            "application/json": serializers.LoginSerializer,
            oauth2.FORM_MEDIA_TYPE: oauth2.PasswordGrantSerializer,
        },
        responses={
            200: TOKEN_ANSWER,
            400: TOKEN_BAD_REQUEST,
            401: error_response(401, "JSON body: wrong or unknown credentials, or an inactive account."),
            **error_responses(429),
        },
    )
    def post(self, request):
        form = oauth2.is_form(request)
        if form:
            credentials = oauth2.password_grant(request)
        else:
            payload = serializers.LoginSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            credentials = payload.validated_data
        try:
            login_attempt(request, email=credentials["email"])
        except LoginThrottled as exc:
            raise Throttled(wait=exc.wait) from None
        try:
            pair = services.user_login(**credentials)
        except InvalidCredentials as exc:
            raise (oauth2.invalid_grant(str(exc)) if form else AuthenticationFailed(str(exc))) from None
        return oauth2.token_response(pair) if form else Response(pair, headers=oauth2.NO_STORE)


class RefreshView(PublicView):
    """Exchange a refresh token for a new pair (the used one is refused from now on): a JSON body
    `{refresh}` answered `{access, refresh}`, or the OAuth2 refresh grant form
    (`grant_type=refresh_token&refresh_token=`) answered `{access_token, token_type, expires_in,
    refresh_token}`."""

    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        request={
            "application/json": serializers.RefreshSerializer,
            oauth2.FORM_MEDIA_TYPE: oauth2.RefreshGrantSerializer,
        },
        responses={
            200: TOKEN_ANSWER,
            400: TOKEN_BAD_REQUEST,
            401: error_response(401, "JSON body: the refresh token is invalid, expired or already used."),
        },
    )
    def post(self, request):
        form = oauth2.is_form(request)
        if form:
            refresh = oauth2.refresh_grant(request)
        else:
            payload = serializers.RefreshSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            refresh = payload.validated_data["refresh"]
        try:
            pair = tokens.tokens_rotate(refresh=refresh)
        except InvalidRefreshToken as exc:
            raise (oauth2.invalid_grant(str(exc)) if form else InvalidToken(str(exc))) from None
        return oauth2.token_response(pair) if form else Response(pair, headers=oauth2.NO_STORE)


class LogoutView(PublicView):
    """Log out: the refresh token `{refresh}` is refused from now on."""

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
        raise _account_gone()
    return user


def _account_gone():
    return AuthenticationFailed(AccountNotFound.default_message, code="user_not_found")


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
        try:
            user = services.user_update_profile(user=user, **payload.validated_data)
        except AccountNotFound:  # deleted or deactivated while this request ran
            raise _account_gone() from None
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
        except AccountNotFound:
            raise _account_gone() from None
        except DjangoValidationError as exc:
            raise _password_errors(exc, "new_password") from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class AddressViewSet(GenericViewSet):
    """The caller's own addresses; another user's address id is a 404. An update or delete works on the
    address as it is under the owner's lock (accounts.services): one deleted meanwhile is a 404."""

    permission_classes = [IsPerson]
    schema = ErrorDocumentingSchema()
    parser_classes = [JSONParser]
    serializer_class = serializers.AddressSerializer
    queryset = Address.objects.none()  # for the schema; every read goes through selectors

    def list(self, request):
        PageQuerySerializer(data=request.query_params).is_valid(raise_exception=True)
        page = self.paginate_queryset(selectors.address_list(user=_current_user(request)))
        return self.get_paginated_response(serializers.AddressSerializer(page, many=True).data)

    @extend_schema(request=serializers.AddressSerializer, responses={201: serializers.AddressSerializer})
    def create(self, request):
        payload = serializers.AddressSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        address = self._apply(
            services.address_create, user_id=_current_user(request).pk, **payload.validated_data
        )
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
        self._apply(services.address_delete, user_id=_current_user(request).pk, address_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _update(self, request, pk, partial):
        user = _current_user(request)
        # The stored address is read here only to validate the body (a partial update's region and phone
        # are checked against its country); the service applies the body to the row as it is under the
        # lock, and checks it again there.
        address = self._get(request, pk, user=user)
        payload = serializers.AddressSerializer(address, data=request.data, partial=partial)
        payload.is_valid(raise_exception=True)
        address = self._apply(
            services.address_update, user_id=user.pk, address_id=address.id, **payload.validated_data
        )
        return Response(serializers.AddressSerializer(address).data)

    def _get(self, request, pk, user=None):
        address = selectors.address_get(user=user or _current_user(request), address_id=pk)
        if address is None:
            raise NotFound()
        return address

    @staticmethod
    def _apply(operation, **kwargs):
        try:
            return operation(**kwargs)
        except AddressNotFound:  # never the user's, or deleted meanwhile
            raise NotFound() from None
        except AccountNotFound:
            raise _account_gone() from None
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
