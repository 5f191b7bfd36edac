"""The service's OpenAPI schema, generated and validated the way CI should see it."""

from django.core.management import call_command


def validated_schema(tmp_path) -> str:
    """Generate the schema with drf-spectacular, failing on any warning; return it as YAML text."""
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    return out.read_text()
