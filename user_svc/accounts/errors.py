"""What the account operations refuse, as exceptions the API layer turns into statuses."""


class AccountError(Exception):
    """Base of the refusals below; ``str()`` is the message for the client."""

    default_message = ""

    def __init__(self, message=None):
        super().__init__(message or self.default_message)


class EmailAlreadyRegistered(AccountError):
    default_message = "An account with this email address already exists."


class InvalidCredentials(AccountError):
    default_message = "No active account found with the given credentials."


class InvalidRefreshToken(AccountError):
    default_message = "Token is invalid, expired or already used."


class WrongPassword(AccountError):
    default_message = "The current password is not correct."


class AddressRuleBroken(AccountError):
    """An address change that would leave no default, or too many addresses."""


class AccountNotFound(AccountError):
    """The account was deleted or deactivated (since the request's token was checked)."""

    default_message = "User not found or inactive."


class AddressNotFound(AccountError):
    """No such address of the user's: never one, another user's, or deleted meanwhile."""

    default_message = "No such address."
