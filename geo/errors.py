"""The one error type for bad input."""

__all__ = ["GeoInputError"]


class GeoInputError(ValueError):
    """Input that the analysis cannot use: the message says what arrived and what to do.

    A subclass of ``ValueError`` so that ``except ValueError`` keeps working.
    """
