"""Request body parsing for the platform's APIs: DRF's JSON parser, refusing one more malformed input.

Views that take a body name it in ``parser_classes``; once REST_FRAMEWORK's DEFAULT_PARSER_CLASSES (in
shared/settings/base.py) names it, those attributes can go.
"""

from rest_framework.exceptions import ParseError
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
