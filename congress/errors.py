"""The error every app's services raise when the rules refuse a change."""


class WorkflowError(Exception):
    """A transition the rules do not allow; the message is for the user."""
