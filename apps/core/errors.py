"""DomainError: the one exception services raise for a rule the input broke.

It names the field (and the row of an import) so that API, admin and commands can show the user
exactly what to fix. Raw shopper data never goes into a message: callers pass masked values.
"""

from __future__ import annotations


class DomainError(Exception):
    def __init__(self, message: str, *, field: str | None = None, row: int | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.row = row
        self.code = code

    def as_dict(self) -> dict:
        data: dict = {"detail": self.message, "code": self.code}
        if self.field is not None:
            data["field"] = self.field
        if self.row is not None:
            data["row"] = self.row
        return data

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message
