"""Mails after staff actions on sign-ups in the admin.

The admin calls these after the engine has changed the rows (outside its transaction), so a
mail never goes out for a change that was rolled back. Links in these mails are built from
`SITE_URL`, since there is no request to take the host from.
"""

from django.conf import settings

from engagierte_stadt.submissions import mails


def notify_moved_up(signups) -> None:
    """Tell people who moved up from the waiting list that they now have a place.

    Called with the sign-ups that moved up when staff cancel someone's place or move a waiting
    person up by hand. Sign-ups without an e-mail address (phone, paper) get no mail; staff
    call them.
    """
    for signup in signups:
        if signup.email:
            mails.mail_signup_moved_up(signup=signup, base_url=settings.SITE_URL)


def notify_entered_by_staff(signup, token: str) -> None:
    """Confirm a sign-up that staff entered by phone or on paper, with its personal link.

    `token` is the personal cancel and delete link (stored only as a hash). Sign-ups without
    an e-mail address get no mail. No opt-in link: staff confirmed the sign-up already.
    """
    if signup.email:
        mails.mail_signup_entered_by_staff(signup=signup, token=token, base_url=settings.SITE_URL)
