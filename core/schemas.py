"""Marshmallow fields shared by every package's schemas."""
import unicodedata

from flask_babel import gettext as _
from marshmallow import ValidationError, fields


class Text(fields.String):
    """Text as people type it: surrounding spaces dropped; control characters refused (they
    cannot be shown, printed or written to a spreadsheet)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if any(unicodedata.category(c) in ("Cc", "Cs") for c in text):
            raise ValidationError(_("Contains control characters."))
        return text
