"""The library's error types: one for bad input, one for a damaged workspace."""

__all__ = ["GeoInputError", "WorkspaceDamagedError"]


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


class WorkspaceDamagedError(GeoInputError):
    """The workspace file is damaged (a block fails its checksum, say).

    ``path`` names the file; the remedy is to restore a copy of it.
    """

    def __init__(self, message: str, *, path: str) -> None:
        super().__init__(message, argument="workspace")
        self.path = path
