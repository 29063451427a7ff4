"""OpenAPI post-processing: say what the API really sends.

DRF writes a time of day as "HH:MM[:SS[.ffffff]]" with no UTC offset (times of day are local shop
hours), while OpenAPI's `format: time` is RFC 3339's full-time, which requires an offset; a client
generated from the schema (or a validator such as schemathesis) would reject every store's hours.
`local_time_of_day` replaces that format with the pattern DRF actually produces and accepts.
"""

from __future__ import annotations

TIME_PATTERN = r"^\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$"


def _walk(node) -> None:
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("format") == "time":
            node.pop("format")
            node["pattern"] = TIME_PATTERN
        for value in node.values():
            _walk(value)
    elif isinstance(node, list):
        for value in node:
            _walk(value)


def local_time_of_day(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOKS entry (see module docstring)."""
    _walk(result)
    return result
