"""What a service refused, shown on the admin's form: ``Invalid`` carries DRF-shaped errors from the
service layer; the helpers put them next to the fields they name."""


class Invalid(Exception):
    """The service refused a write: ``errors`` maps field names (or ``detail``) to messages."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors if isinstance(errors, dict) else {"detail": errors}


def changed_fields(form):
    """Only the fields the staff member changed: an edit never rewrites what it did not touch."""
    return {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}


def add_errors(form, errors):
    for name, problems in errors.items():
        field_name = name if name in form.fields else None
        for problem in problems if isinstance(problems, list | tuple) else [problems]:
            text = first_message(problem)
            if field_name is None and name not in _GENERAL:
                text = f"{name}: {text}"
            form.add_error(field_name, text)


_GENERAL = {"detail", "non_field_errors", None}


def first_message(errors):
    if isinstance(errors, dict):
        for value in errors.values():
            return first_message(value)
        return ""
    if isinstance(errors, list | tuple):
        return first_message(errors[0]) if errors else ""
    return str(errors)
