"""The item page's "Adjust stock" form: what staff ask for, turned into ``services.item_adjust`` arguments.

The form checks only what it can know alone (an amount, a reason). Whether the stock allows it (no
fewer units than are reserved) is decided by the service under the item's row lock, and a refusal comes
back as an error on this form.
"""

from django import forms
from django.core.exceptions import ValidationError

MAX_UNITS = 10_000_000  # the API's bound too

SET, ADD, REMOVE = "set", "add", "remove"


class StockAdjustForm(forms.Form):
    prefix = "adjust"  # the item page's own fields and inlines never collide with these

    kind = forms.ChoiceField(
        label="Change", choices=[(ADD, "Add"), (REMOVE, "Remove"), (SET, "Set quantity to")], initial=ADD
    )
    amount = forms.IntegerField(
        label="Units",
        min_value=0,
        max_value=MAX_UNITS,
        required=False,
        help_text="Leave empty to change only the reorder threshold.",
    )
    reorder_threshold = forms.IntegerField(
        min_value=0,
        max_value=MAX_UNITS,
        # The value the page showed travels with the post, so a threshold left alone is not written
        # back over one changed by someone else meanwhile.
        show_hidden_initial=True,
        help_text="A low-stock alert goes out when available falls to or below it.",
    )
    reason = forms.CharField(
        max_length=500, help_text="Kept in the item's history, with your e-mail address."
    )

    def __init__(self, data=None, *, item):
        super().__init__(data, initial={"reorder_threshold": item.reorder_threshold})

    def clean(self):
        data = super().clean()
        amount = data.get("amount")
        if amount == 0 and data.get("kind") in (ADD, REMOVE):
            self.add_error("amount", "Add or remove at least one unit.")
        elif amount is None and "reorder_threshold" in data and not self._threshold_changed():
            raise ValidationError("Nothing to change: give a number of units, or a new reorder threshold.")
        return data

    def changes(self) -> dict:
        """The keyword arguments of ``services.item_adjust`` this form asks for (besides actor, reason)."""
        data, changes = self.cleaned_data, {}
        if data["amount"] is not None:
            if data["kind"] == SET:
                changes["quantity"] = data["amount"]
            else:  # a delta: the service applies it to the quantity as it is under the row lock
                changes["quantity_delta"] = data["amount"] if data["kind"] == ADD else -data["amount"]
        if self._threshold_changed():
            changes["reorder_threshold"] = data["reorder_threshold"]
        return changes

    def summary(self) -> str:
        """One line for the audit log and the message to staff."""
        data, parts = self.cleaned_data, []
        if data["amount"] is not None:
            verb = {ADD: "added", REMOVE: "removed", SET: "quantity set to"}[data["kind"]]
            parts.append(f"{verb} {data['amount']}")
        if self._threshold_changed():
            parts.append(f"reorder threshold set to {data['reorder_threshold']}")
        return f"{', '.join(parts)} ({data['reason']})"

    def _threshold_changed(self):
        return "reorder_threshold" in self.changed_data
