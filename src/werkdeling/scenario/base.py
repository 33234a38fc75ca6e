"""Shared configuration for every input model: frozen, strict about unknown keys, finite numbers."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

_ID = re.compile(r"^[^\s]+$")


class Frozen(BaseModel):
    """Base of all scenario models.

    Frozen, so a scenario cannot change after it was checked; ``extra="forbid"``, so a misspelt key
    (``skils``) is an error instead of being silently ignored; no NaN or infinity.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


def _check_identifier(value: str) -> str:
    value = value.strip()
    if not _ID.match(value):
        raise ValueError(f"'{value}' is not a usable id: use one word without spaces, e.g. 'pear-grower'")
    return value


#: An id or a skill name: one word, no spaces (``pear-grower``, ``heftruck``).
Identifier = Annotated[str, AfterValidator(_check_identifier)]
