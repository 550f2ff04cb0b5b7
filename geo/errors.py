"""The library's error types: one for bad input, one for a damaged workspace."""

from collections.abc import Mapping

__all__ = ["GeoInputError", "ShrinkingImportError", "WorkspaceDamagedError"]


class GeoInputError(ValueError):
    """Input that the analysis cannot use: the message says what arrived and what to do.

    A subclass of ``ValueError`` so that ``except ValueError`` keeps working.

    Parameters
    ----------
    message : str
        What arrived and what to do, in words that name no interface's control.
    argument : str, optional
        The argument the error is about (``"month_col"``, ``"before"``), so a
        front end can name its own control for it: the command line its flag,
        the app its field.
    """

    def __init__(self, message: str = "", *, argument: str | None = None) -> None:
        super().__init__(message)
        self.argument = argument

    def worded(self, names: Mapping[str, str]) -> str:
        """Return the message in an interface's words for the arguments it names.

        geo names an argument in backticks (```month_col```); ``names`` maps
        each to the interface's own control (``"--month-col"`` on the command
        line). Arguments not in ``names`` stay as they are.

        Examples
        --------
        >>> err = GeoInputError("no month column; name yours with `month_col`.")
        >>> err.worded({"month_col": "--month-col"})
        'no month column; name yours with --month-col.'
        """
        text = str(self)
        for arg, word in names.items():
            text = text.replace(f"`{arg}`", word)
        return text


class WorkspaceDamagedError(GeoInputError):
    """The workspace file is damaged (a block fails its checksum, say).

    ``path`` names the file; the remedy is to restore a copy of it.
    """

    def __init__(self, message: str, *, path: str) -> None:
        super().__init__(message, argument="workspace")
        self.path = path


class ShrinkingImportError(GeoInputError):
    """An import would leave months held with fewer rows than before.

    Raised only when the caller asked to be asked (``ask_before_shrinking``);
    nothing was imported. ``months`` lists each month as a sentence.
    """

    def __init__(self, message: str, *, months: list[str]) -> None:
        super().__init__(message, argument="replace")
        self.months = months
