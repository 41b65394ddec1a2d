"""The ``ConnectAuthError`` family: one exception class per way a Connect JWT can fail.

Each class carries a stable machine ``code`` (what a 401 body and a metric use) and a human
``message``. Messages are fixed, generic texts: they must never include the token, a claim copied
from an unverified token, or a secret, because these errors end up in logs and response bodies.
"""


class ConnectAuthError(Exception):
    """Base class: the request is not authenticated as a Connect call."""

    code: str = "unauthenticated"
    message: str = "The request could not be authenticated."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or type(self).message
        super().__init__(self.message)


class MissingToken(ConnectAuthError):
    code = "token_missing"
    message = "No JWT was supplied."


class MalformedToken(ConnectAuthError):
    code = "token_malformed"
    message = "The JWT is not well formed."


class UnsupportedAlgorithm(ConnectAuthError):
    code = "algorithm_unsupported"
    message = "The JWT is signed with an algorithm this route does not accept."


class UnknownIssuer(ConnectAuthError):
    code = "issuer_unknown"
    message = "The JWT issuer is not a known installation."


class TenantDisabled(ConnectAuthError):
    code = "tenant_disabled"
    message = "The installation that issued this JWT is disabled or uninstalled."


class BadSignature(ConnectAuthError):
    code = "signature_invalid"
    message = "The JWT signature is invalid."


class TokenExpired(ConnectAuthError):
    code = "token_expired"
    message = "The JWT has expired."


class TokenNotYetValid(ConnectAuthError):
    code = "token_not_yet_valid"
    message = "The JWT is not valid yet (issued in the future)."


class QshMismatch(ConnectAuthError):
    code = "qsh_mismatch"
    message = "The JWT query string hash does not match this request."


class ContextQshNotAllowed(ConnectAuthError):
    code = "context_qsh_not_allowed"
    message = "A context JWT (qsh 'context-qsh') is not accepted on this route."


class MissingQsh(ConnectAuthError):
    code = "qsh_missing"
    message = "The JWT has no query string hash claim."


class UnknownKeyId(ConnectAuthError):
    code = "key_id_unknown"
    message = "The JWT key id does not name a known install key."


class InstallKeyUnavailable(ConnectAuthError):
    code = "install_key_unavailable"
    message = "The install public key could not be fetched."


class AudienceMismatch(ConnectAuthError):
    code = "audience_mismatch"
    message = "The JWT audience is not this app."


class IssuerMismatch(ConnectAuthError):
    code = "issuer_mismatch"
    message = "The JWT issuer does not match the installation in the request body."


class TokenReplayed(ConnectAuthError):
    code = "token_replayed"
    message = "This JWT has already been used."


class InvalidApiToken(ConnectAuthError):
    code = "invalid_api_token"
    message = "The API token is unknown, revoked, or its site is not active."


class UnverifiedToken(ConnectAuthError):
    """What the client is told for every failure before the signature is verified."""

    code = "token_invalid"
    message = "The JWT could not be verified."


# Failures decided before (or by) the signature check. They all answer as UnverifiedToken, so an
# unsigned token cannot probe which sites are installed, disabled or uninstalled; the specific
# code still goes to the log.
BEFORE_SIGNATURE = (MalformedToken, UnsupportedAlgorithm, UnknownIssuer, TenantDisabled,
                    BadSignature, UnknownKeyId)


def public_error(exc: ConnectAuthError) -> ConnectAuthError:
    """The error to show the client for ``exc``."""
    return UnverifiedToken() if isinstance(exc, BEFORE_SIGNATURE) else exc
