"""Staff logins in the browser: the admin's password form, then the second factor's code step
with a code generated in the test from the user's authenticator app (a django-otp device)."""

from playwright.sync_api import Page, expect

from tests.factories import confirmed_app, totp_code


def log_in_with_code(page: Page, user, password: str) -> None:
    """On the admin's login page: password, then the code the user's app shows now (the app is
    made for the user if they have none yet)."""
    device = confirmed_app(user)
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmeldung bestätigen")
    device.refresh_from_db()
    # One step ahead: a code of the step an earlier login in the same half minute used would
    # be refused (each code counts once); the server accepts the neighbouring step.
    code = totp_code(device, steps_ahead=1 if device.last_t >= 0 else 0)
    page.get_by_role("textbox", name="Code").fill(code)
    page.get_by_role("button", name="Bestätigen").click()
