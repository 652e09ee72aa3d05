"""Enumerations whose codes and Chinese labels are part of the API contract.

Input accepts the code or the Chinese label; output gives the code. The Chinese label is the
official one (API.md), the English label serves the English interface: both live on the enum,
so every page and every export translates it in one place.
"""
import enum

from flask_babel import get_locale


class LabelledEnum(enum.Enum):
    """Members are `code = ("中文", "English")`."""

    def __init__(self, zh: str, en: str):
        self.zh = zh
        self.en = en

    @property
    def code(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        try:
            locale = get_locale()
        except Exception:  # outside a request: Chinese, the default
            locale = None
        return self.en if locale is not None and locale.language == "en" else self.zh

    @classmethod
    def parse(cls, value):
        """The member for a code or a Chinese (or English) label; ValueError if none."""
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            text = value.strip()
            for member in cls:
                if text in (member.name, member.zh) or text.lower() == member.en.lower():
                    return member
        raise ValueError(value)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.name, m.label) for m in cls]
