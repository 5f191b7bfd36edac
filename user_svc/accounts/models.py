"""People and their postal addresses. Ids are UUIDs: not guessable, so not enumerable."""

import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from shared.postal import (
    PHONE_MAX_LENGTH,
    REGION_MAX_LENGTH,
    PostalError,
    country_code,
    phone_e164,
    region_code,
)


def normalize_email(email):
    """The form an address is stored and looked up in: trimmed and lower-cased, so that
    ``Ann@Example.com`` and ``ann@example.com`` are one account."""
    return (email or "").strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, email):
        return self.get(email=normalize_email(email))


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(unique=True, max_length=254)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    phone = models.CharField(
        max_length=PHONE_MAX_LENGTH, blank=True, help_text="E.164, e.g. +14155552671 (shared.postal)."
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Can use staff-only endpoints and the admin.")
    date_joined = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["date_joined"]

    def __str__(self):
        return self.email

    def clean(self):
        super().clean()
        self.email = normalize_email(self.email)
        try:
            self.phone = phone_e164(self.phone)
        except PostalError as exc:
            raise ValidationError({"phone": str(exc)}) from None


country_code_format = RegexValidator(r"^[A-Z]{2}$", "Use the two-letter ISO 3166-1 country code, e.g. DE.")


class Address(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(max_length=50, blank=True)
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField(
        max_length=REGION_MAX_LENGTH,
        blank=True,
        help_text="ISO 3166-2 code (US-CA) where the country has subdivisions, else free text.",
    )
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=2, validators=[country_code_format])
    phone = models.CharField(
        max_length=PHONE_MAX_LENGTH, blank=True, help_text="E.164, e.g. +14155552671 (shared.postal)."
    )
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "addresses"
        constraints = [
            # "Exactly one default" is kept by services.py; the database guarantees "at most one".
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_default=True), name="one_default_address_per_user"
            )
        ]

    def __str__(self):
        return f"{self.label or self.line1}, {self.city} ({self.user})"

    def clean(self):
        """Apply shared.postal's rules, as the API does, to every way in (the admin's forms too)."""
        super().clean()
        errors = {}
        try:
            self.country = country_code(self.country)
        except PostalError as exc:
            errors["country"] = str(exc)
        else:
            for name, rule in (("region", region_code), ("phone", phone_e164)):
                try:
                    setattr(self, name, rule(getattr(self, name), country=self.country))
                except PostalError as exc:
                    errors[name] = str(exc)
        if errors:
            raise ValidationError(errors)
