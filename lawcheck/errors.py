"""lawcheck's exceptions: one base class, one subclass per stage, each with a short code.

Messages say what went wrong, where (file, field, clause), and what to do about it. The code
(e.g. ``[F003]``) is stable so that scripts and users can search for it.
"""

from __future__ import annotations


class LawcheckError(Exception):
    """Base of every error lawcheck raises on purpose; the CLI turns it into exit code 2."""

    code = "E000"

    def __init__(self, message: str):
        super().__init__(f"[{self.code}] {message}")
        self.message = message

    def __reduce__(self):
        # Sent back from a pool worker, the error is rebuilt as it is: the default would call
        # __init__ again with the formatted message and wrap it a second time.
        return _rebuild, (type(self), self.args, self.__dict__)


def _rebuild(cls: type[LawcheckError], args: tuple, state: dict) -> LawcheckError:
    error = cls.__new__(cls, *args)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


# --- references -----------------------------------------------------------------------------


class RefSyntaxError(LawcheckError, ValueError):
    code = "R001"

    def __init__(self, text: str):
        super().__init__(
            f"{text!r} is not a clause reference; write it like 제3조의2제1항제2호가목, "
            "부칙<제21311호>제1조 or 별표2, optionally followed by 단서/후단"
        )
        self.text = text


# --- fetch ----------------------------------------------------------------------------------


class FetchError(LawcheckError):
    """Base of law.go.kr API failures."""

    code = "F000"
    retryable = False


class MissingKeyError(FetchError):
    code = "F001"

    def __init__(self) -> None:
        super().__init__(
            "no law.go.kr OC key: set LAWCHECK_OC to the e-mail local part of your "
            "open.law.go.kr account (g4c@korea.kr -> g4c), or import saved responses instead"
        )


class AuthError(FetchError):
    """사용자 정보 검증에 실패 / 필수입력요소 검증에 실패: not retryable, never cached."""

    code = "F002"


class UnapprovedTargetError(FetchError):
    """미신청된 목록/본문에 대한 접근: the OC is not approved for this target or format."""

    code = "F003"


class NotFoundError(FetchError):
    """일치하는 법령이 없습니다: permanent for this identifier."""

    code = "F004"


class ServerError(FetchError):
    """HTTP 5xx, 404 bursts, maintenance pages, empty bodies: retried, then raised."""

    code = "F005"
    retryable = True


class AntiBotError(FetchError):
    """A JavaScript redirect page instead of data (law.go.kr answers cloud IPs this way)."""

    code = "F006"


class MalformedResponseError(FetchError):
    """A body that is neither the expected XML/JSON nor a known error page."""

    code = "F007"


class NetworkError(FetchError):
    """Time-outs and connection failures after all retries."""

    code = "F008"
    retryable = True


class WatchlistError(FetchError):
    """A watchlist file (corpus/watchlist.toml) that cannot be read; names file, entry, field."""

    code = "F009"


# --- import and split -------------------------------------------------------------------------


class ImportError_(LawcheckError):
    """A source file that cannot be read as a law (named so as not to shadow ImportError)."""

    code = "I001"


class UnknownFormatError(ImportError_):
    code = "I002"


class SplitError(LawcheckError):
    """A broken splitter invariant: a bug, never bad input (bad input becomes UNPARSED)."""

    code = "S001"


# --- store ------------------------------------------------------------------------------------


class StoreError(LawcheckError):
    code = "D001"


class LawNotFoundError(StoreError):
    code = "D002"


class MigrationError(StoreError):
    """A database whose schema cannot be brought to this lawcheck's revision (lawcheck db)."""

    code = "D003"


class InputTooLargeError(LawcheckError):
    """A query text or import file over its size limit; the message names the limit and the
    option that raises it."""

    code = "L001"


# --- analysis -----------------------------------------------------------------------------------


class AnalysisError(LawcheckError):
    code = "A001"


class PatternFileError(LawcheckError):
    """A pattern or cue file under rules/ that does not validate; names the file and field."""

    code = "A002"


# --- rules ----------------------------------------------------------------------------------------


class RuleFileError(LawcheckError):
    """A rule file under rules/<category>/ that does not validate; names the file and field."""

    code = "R101"

    def __init__(self, path: object, field: str | None, problem: str):
        where = f"{path}: {field}" if field else f"{path}"
        super().__init__(f"{where}: {problem}")
        self.path = str(path)
        self.field = field
        self.problem = problem
