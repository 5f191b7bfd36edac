"""The rules of shared.postal: pure functions over pycountry's and phonenumbers' data, tested alone."""

import pytest

from shared.postal import REGION_MAX_LENGTH, PostalError, country_code, has_regions, phone_e164, region_code

# Country ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [("US", "US"), ("us", "US"), ("USA", "US"), ("usa", "US"), (" deu ", "DE"), ("Fra", "FR")],
)
def test_a_country_is_taken_as_alpha_2_or_alpha_3_in_any_case_and_stored_as_alpha_2(given, stored):
    assert country_code(given) == stored


@pytest.mark.parametrize("given", ["XX", "XXX", "Germany", "840", "U", "", "U1", "ÜS", "US-CA"])
def test_anything_else_is_refused_with_the_forms_that_are_accepted(given):
    with pytest.raises(PostalError, match=r"not a country code: use ISO 3166-1 alpha-2 \(US\) or alpha-3"):
        country_code(given)


def test_a_long_refused_value_is_not_repeated_whole():
    with pytest.raises(PostalError) as refused:
        country_code("x" * 10_000)

    assert len(str(refused.value)) < 200


# Region ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("given", ["US-CA", "us-ca", "CA", "ca", "California", "CALIFORNIA", " california "])
def test_a_region_is_taken_as_full_code_bare_code_or_name_and_stored_as_the_full_code(given):
    assert region_code(given, country="US") == "US-CA"


@pytest.mark.parametrize(
    ("country", "given", "stored"),
    [
        ("CA", "Québec", "CA-QC"),
        ("CA", "quebec", "CA-QC"),
        ("DE", "baden-wurttemberg", "DE-BW"),
        ("DE", "BY", "DE-BY"),
        ("AU", "NSW", "AU-NSW"),
        ("IN", "IN-MH", "IN-MH"),
        ("FR", "75C", "FR-75C"),
        ("GB", "eng", "GB-ENG"),
    ],
)
def test_names_ignore_case_and_accents_and_codes_of_any_level_are_taken(country, given, stored):
    assert region_code(given, country=country) == stored


def test_no_region_is_allowed_and_stored_blank():
    assert region_code("", country="US") == ""
    assert region_code("   ", country="US") == ""
    assert region_code(None, country="US") == ""


def test_a_region_of_another_country_is_refused_naming_it():
    with pytest.raises(PostalError, match=r"“CA-ON” is a region of CA, not of US"):
        region_code("CA-ON", country="US")


def test_an_unknown_region_is_refused_with_an_example_of_the_country():
    with pytest.raises(PostalError, match=r"“Narnia” is not a region of US: .*\(e\.g\. US-AK or AK\)"):
        region_code("Narnia", country="US")


def test_a_name_of_several_regions_asks_for_the_code():
    # Spain has a province and an autonomous community called La Rioja.
    with pytest.raises(PostalError, match=r"names several regions of ES \(ES-LO, ES-RI\)"):
        region_code("La Rioja", country="ES")


def test_a_country_without_subdivisions_takes_bounded_free_text():
    assert not has_regions("HK")

    assert region_code("  New   Territories ", country="HK") == "New Territories"
    with pytest.raises(PostalError, match=f"At most {REGION_MAX_LENGTH} characters"):
        region_code("x" * (REGION_MAX_LENGTH + 1), country="HK")


def test_a_country_without_subdivisions_still_refuses_another_countrys_region():
    with pytest.raises(PostalError, match="is a region of US, not of PR"):
        region_code("US-PR", country="PR")


# Phone -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "country", "stored"),
    [
        ("(415) 555-2671", "US", "+14155552671"),
        ("415.555.2671", "US", "+14155552671"),
        ("+1 415 555 2671", None, "+14155552671"),
        ("+1 (415) 555-2671", "DE", "+14155552671"),  # the international form wins over the country
        ("030 1234567", "DE", "+49301234567"),
        ("+44 20 7946 0958", "US", "+442079460958"),
    ],
)
def test_a_phone_is_stored_in_e164(given, country, stored):
    assert phone_e164(given, country=country) == stored


def test_no_phone_is_allowed_and_stored_blank():
    assert phone_e164("", country="US") == ""
    assert phone_e164("  ") == ""


def test_without_a_country_the_international_form_is_required():
    with pytest.raises(PostalError, match=r"has no country code\. Give the number in international form"):
        phone_e164("(415) 555-2671")


def test_an_unknown_country_calling_code_is_refused():
    with pytest.raises(PostalError, match="has an unknown country code"):
        phone_e164("+999 1234 5678")


@pytest.mark.parametrize("given", ["12", "555-0100", "+1 415 555 267"])
def test_numbers_that_are_not_valid_are_refused(given):
    with pytest.raises(PostalError, match="is not a valid phone number"):
        phone_e164(given, country="US")


def test_text_is_not_a_phone_number():
    with pytest.raises(PostalError, match="is not a phone number"):
        phone_e164("call me", country="US")


def test_an_extension_is_refused_rather_than_dropped():
    with pytest.raises(PostalError, match="Extensions cannot be stored"):
        phone_e164("+1 415 555 2671 ext. 12", country="US")


def test_an_overlong_phone_is_refused_before_parsing():
    with pytest.raises(PostalError, match="At most 32 characters"):
        phone_e164("1" * 33, country="US")
