"""Request body parsing for the platform's APIs: DRF's JSON parser, refusing one more malformed input.

Views that take a body name it in ``parser_classes``; once REST_FRAMEWORK's DEFAULT_PARSER_CLASSES (in
shared/settings/base.py) names it, those attributes can go.
"""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.parsers import JSONParser as DRFJSONParser


class JSONParser(DRFJSONParser):
    """DRF's JSONParser, plus: a body nested deeper than Python's recursion limit (a few hundred bytes
    of ``[[[[…``) is a 400 like any other malformed JSON, where DRF lets the RecursionError become a 500.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None


# What a view that staff also use from the browsable API parses: JSON from clients, and the HTML form
# the browsable API renders (it posts multipart; DRF's session authentication checks its CSRF token).
# A view without a form parser shows staff only a raw JSON box.
JSON_AND_FORM_PARSERS = [JSONParser, FormParser, MultiPartParser]
