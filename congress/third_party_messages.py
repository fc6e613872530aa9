"""Strings of Django's admin and of django-axes that their own zh_Hans catalogues lack (axes has
none at all), listed so that makemessages keeps them in ours, which Django reads first
(LOCALE_PATHS). Nothing imports this module; each string is copied exactly from the package's
source, and a new version of either package may need one more here (the back office test,
tests/congress/test_back_office_chinese.py, names what shows in English)."""

from django.utils.translation import gettext_noop as _

DJANGO_ADMIN = [
    # templates/admin/app_list.html: the index's column headers, read by screen readers.
    _("Model name"),
    _("Add link"),
    _("Change or view list link"),
    # templates/admin/auth/user/add_form.html
    _("After you’ve created a user, you’ll be able to edit more user options."),
]

AXES = [
    # axes/models.py
    _("User Agent"),
    _("IP Address"),
    _("Username"),
    _("HTTP Accept"),
    _("Path"),
    _("Attempt Time"),
    _("Access lock out"),
    _("access failure"),
    _("access failures"),
    _("GET Data"),
    _("POST Data"),
    _("Failed Logins"),
    _("access attempt"),
    _("access attempts"),
    _("Access Attempt"),
    _("Expires At"),
    _("The time when access attempt expires and is no longer valid."),
    _("access attempt expiration"),
    _("access attempt expirations"),
    _("Logout Time"),
    _("Session key hash (sha256)"),
    _("access log"),
    _("access logs"),
    # axes/admin.py
    _("Locked Out"),
    _("Form Data"),
    _("Meta Data"),
    _("Clean up expired attempts"),
    _("Not set"),
    _("Attempt Remaining"),
    # axes/conf.py: the lockout messages where no template is set.
    _("Account locked: too many login attempts. Please try again later."),
    _("Account locked: too many login attempts. Contact an admin to unlock your account."),
]
