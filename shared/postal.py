"""A postal address's country, region and phone: one set of rules for every service that takes an address.

- **country**: ISO 3166-1, given as alpha-2 (``US``) or alpha-3 (``USA``) in any letter case; stored as
  alpha-2. Anything else (a name, a numeric code, an unknown code) is refused.
- **region** (state, province, county...): optional. Where pycountry knows ISO 3166-2 subdivisions of the
  country, it must be one of them, given as the full code (``US-CA``), the bare code (``CA``) or the name
  (``california``, letter case and accents aside); it is stored as the full code. A subdivision of another
  country is refused. Where pycountry knows none (49 territories: Hong Kong, Puerto Rico, Gibraltar...),
  it is free text of at most ``REGION_MAX_LENGTH`` characters, stored trimmed.
- **phone**: optional; stored in E.164 (``+14155552671``), read by phonenumbers. With a country for
  context (an address), a national form is read as that country's (``(415) 555-2671`` in the US); without
  one (a profile), the international form ``+<country code>...`` is required. A number phonenumbers does
  not hold valid is refused, and so is an extension (E.164 has none: it would be silently dropped).

The rules are pure functions raising ``PostalError`` (models call them from ``clean()``); the DRF fields
and ``validate_postal`` turn them into field errors. Data from pycountry and phonenumbers, no tables here.
"""

import unicodedata
from collections.abc import Mapping

import phonenumbers
import pycountry
from rest_framework import serializers

REGION_MAX_LENGTH = 100
PHONE_INPUT_MAX_LENGTH = 32  # as typed, with spaces and punctuation
PHONE_MAX_LENGTH = 16  # E.164: "+" and at most 15 digits
_SHOWN = 40  # characters of a refused value repeated in its message

INTERNATIONAL_HINT = "Give the number in international form: + and the country code, e.g. +14155552671."


class PostalError(ValueError):
    """A value refused by one of the rules; ``str()`` is the message for the client."""


def country_code(value: str) -> str:
    """The ISO 3166-1 alpha-2 code of a country given as alpha-2 or alpha-3, in any letter case."""
    text = (value or "").strip().upper()
    country = None
    if text.isascii() and text.isalpha():
        if len(text) == 2:
            country = pycountry.countries.get(alpha_2=text)
        elif len(text) == 3:
            country = pycountry.countries.get(alpha_3=text)
    if country is None:
        raise PostalError(
            f"{_shown(value)} is not a country code: use ISO 3166-1 alpha-2 (US) or alpha-3 (USA)."
        )
    return country.alpha_2


def has_regions(country: str) -> bool:
    """Whether pycountry knows ISO 3166-2 subdivisions of this (alpha-2) country."""
    return bool(pycountry.subdivisions.get(country_code=country))


def region_code(value: str, *, country: str) -> str:
    """The region of an address in ``country`` (alpha-2) as stored: the full ISO 3166-2 code where the
    country has subdivisions, else the trimmed text; ``""`` for none."""
    text = " ".join((value or "").split())
    if not text:
        return ""
    if len(text) > REGION_MAX_LENGTH:
        raise PostalError(f"At most {REGION_MAX_LENGTH} characters.")
    known = sorted(pycountry.subdivisions.get(country_code=country) or [], key=lambda sub: sub.code)
    coded = _subdivision(text.upper()) if "-" in text else None
    if coded is not None and coded.country_code != country:
        raise PostalError(f"{_shown(text)} is a region of {coded.country_code}, not of {country}.")
    if not known:
        return text
    if coded is not None:
        return coded.code
    bare = _subdivision(f"{country}-{text.upper()}")
    if bare is not None:
        return bare.code
    named = [sub.code for sub in known if _fold(sub.name) == _fold(text)]
    if len(named) == 1:
        return named[0]
    if named:
        codes = ", ".join(named)
        raise PostalError(f"{_shown(text)} names several regions of {country} ({codes}): give the code.")
    example = known[0].code
    raise PostalError(
        f"{_shown(text)} is not a region of {country}: give its ISO 3166-2 code "
        f"(e.g. {example} or {example.split('-', 1)[1]}) or its name."
    )


def phone_e164(value: str, *, country: str | None = None) -> str:
    """The number in E.164, ``""`` for none. ``country`` (alpha-2) reads national forms; without it the
    number must be in international form."""
    text = (value or "").strip()
    if not text:
        return ""
    if len(text) > PHONE_INPUT_MAX_LENGTH:
        raise PostalError(f"At most {PHONE_INPUT_MAX_LENGTH} characters.")
    try:
        number = phonenumbers.parse(text, country or None)
    except phonenumbers.NumberParseException as exc:
        if exc.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            if text.startswith("+"):
                problem = "has an unknown country code"
            elif country:  # a territory phonenumbers has no national numbering plan for
                problem = f"cannot be read as a number of {country}"
            else:
                problem = "has no country code"
            raise PostalError(f"{_shown(text)} {problem}. {INTERNATIONAL_HINT}") from None
        raise PostalError(f"{_shown(text)} is not a phone number.") from None
    if number.extension:
        raise PostalError("Extensions cannot be stored (E.164 has none): give the number alone.")
    if not phonenumbers.is_valid_number(number):
        where = f" in {country}" if country and not text.startswith("+") else ""
        raise PostalError(f"{_shown(text)} is not a valid phone number{where}.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _subdivision(code: str):
    return pycountry.subdivisions.get(code=code)


def _fold(text: str) -> str:
    """Case and accents aside: "Québec" and "quebec" are one name."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def _shown(value) -> str:
    text = str(value or "").strip()
    return f"“{text[:_SHOWN]}…”" if len(text) > _SHOWN else f"“{text}”"


# DRF ---------------------------------------------------------------------------------------------


class CountryField(serializers.CharField):
    """ISO 3166-1 alpha-2 or alpha-3, any letter case; validated to alpha-2."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_length", 2)
        kwargs.setdefault("max_length", 3)
        kwargs.setdefault("help_text", 'ISO 3166-1 alpha-2 or alpha-3 ("US" or "USA"); stored as alpha-2.')
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return country_code(super().to_internal_value(data))
        except PostalError as exc:
            raise serializers.ValidationError(str(exc)) from None


class RegionField(serializers.CharField):
    """A region as typed; ``validate_postal`` checks it against the address's country."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", REGION_MAX_LENGTH)
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault(
            "help_text",
            'State or province: where the country has ISO 3166-2 subdivisions one of them, as "US-CA", '
            '"CA" or its name, stored as "US-CA"; elsewhere free text.',
        )
        super().__init__(**kwargs)


class PhoneField(serializers.CharField):
    """A phone number, validated to E.164.

    Alone (``PhoneField()``) it requires the international form. In an address
    (``PhoneField(in_address=True)``) it only takes the text: ``validate_postal`` reads it with the
    address's country, so a national form is understood.
    """

    def __init__(self, *, in_address: bool = False, **kwargs):
        self.in_address = in_address
        kwargs.setdefault("max_length", PHONE_INPUT_MAX_LENGTH)
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault(
            "help_text",
            'E.164, e.g. "+14155552671"; a national form is read with the address\'s country.'
            if in_address
            else 'E.164, e.g. "+14155552671": the international form (+ and the country code).',
        )
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        if self.in_address:
            return text
        try:
            return phone_e164(text)
        except PostalError as exc:
            raise serializers.ValidationError(str(exc)) from None


def validate_postal(attrs: dict, *, current=None) -> dict:
    """Check and normalise an address's ``region`` and ``phone`` against its country; return ``attrs``.

    For a serializer's ``validate()``. ``current`` is the stored address (model instance or mapping) of an
    update: its country counts when the update leaves it out, and its region is checked again when the
    country changes (a region of the old country is refused, naming it). Raise DRF's ValidationError with
    one message per refused field.
    """
    country = attrs.get("country", _get(current, "country"))
    if not country:  # no country at all: the country field's own error says so
        return attrs
    errors = {}
    checks = {"region": region_code, "phone": phone_e164}
    for name, rule in checks.items():
        if name in attrs:
            value = attrs[name]
        elif name == "region" and "country" in attrs and current is not None:
            value = _get(current, "region")
        else:
            continue
        try:
            attrs[name] = rule(value, country=country)
        except PostalError as exc:
            errors[name] = [str(exc)]
    if errors:
        raise serializers.ValidationError(errors)
    return attrs


def _get(current, name):
    if current is None:
        return None
    if isinstance(current, Mapping):
        return current.get(name)
    return getattr(current, name, None)
