"""What a person does with their own data behind a personal link: cancel, delete, take away.

One path for every model on the engine, used by each entry's own page and by the personal page
(`/meine-daten/<token>/`). Mails go out after the rows have changed; nothing here logs an
address or a name.
"""

import csv
import io
import json
import logging

from django.db import transaction

from engagierte_stadt.submissions import mails
from engagierte_stadt.submissions.capacity import SignupBase
from engagierte_stadt.submissions.submission import entries_of_address

logger = logging.getLogger(__name__)


def _reply_to(signup) -> list[str]:
    """Where a reply to a mail about a sign-up goes: its target's contact person."""
    return signup.target.contact().reply_to


def notify_moved_up(moved, *, base_url: str) -> None:
    """Tell people who moved up from the waiting list (sign-ups without an address: staff
    call them)."""
    for signup in moved:
        if signup.email:
            mails.mail_signup_moved_up(signup=signup, base_url=base_url, reply_to=_reply_to(signup))


def entry_cancel(*, entry, base_url: str) -> None:
    """Cancel or withdraw an entry at the person's request; a sign-up's place goes to the
    next one waiting, who is told. A cancelled sign-up is confirmed by mail."""
    if not entry.can_cancel:
        return
    moved = entry.cancel_submission()
    entry.refresh_from_db()
    if isinstance(entry, SignupBase) and entry.email:
        mails.mail_signup_cancelled(
            signup=entry,
            token=entry.personal_token(),
            base_url=base_url,
            reply_to=_reply_to(entry),
        )
    notify_moved_up(moved, base_url=base_url)


def entry_erase(*, entry, base_url: str) -> None:
    """Delete an entry's personal data now at the person's request; an active one is
    cancelled first (without a mail: the address is gone) and the next one waiting moves up."""
    moved = entry.cancel_submission() if entry.can_cancel else []
    entry.refresh_from_db()
    entry.erase_submission()
    notify_moved_up(moved, base_url=base_url)


def address_erase(*, email: str, base_url: str) -> int:
    """ "Delete everything": every entry stored under the address, of every model. Returns
    how many entries were emptied."""
    entries = entries_of_address(email)
    with transaction.atomic():
        for entry in entries:
            entry_erase(entry=entry, base_url=base_url)
    logger.info("all personal data of one address deleted on request (%d entries)", len(entries))
    return len(entries)


def export_csv(exported: list[dict]) -> str:
    """The exported entries as one CSV table (UTF-8 with BOM, semicolons: German Excel opens
    it as it is). One row per entry; each field the person gave us has its own column."""
    fixed = ["kind_label", "subject", "status", "created_at", "consent_at", "confirmed_at"]
    data_columns = []
    for item in exported:
        for name in item["data"]:
            if name not in data_columns:
                data_columns.append(name)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow([*fixed, *data_columns])
    for item in exported:
        values = [item.get(name) for name in fixed]
        for name in data_columns:
            value = item["data"].get(name, "")
            if isinstance(value, list | dict):
                value = json.dumps(value, ensure_ascii=False)
            values.append(value)
        writer.writerow([csv_safe(value) for value in values])
    return out.getvalue()


def csv_safe(value) -> str:
    """A cell that spreadsheet programs show as text, never run as a formula.

    Names and messages come from a public form; "=HYPERLINK(…)" must stay text.
    """
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text
