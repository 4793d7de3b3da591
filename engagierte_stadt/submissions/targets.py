"""What the engine needs of a target, and who its contact person is.

A target is the thing people sign up for: an opportunity (`quartiere.Opportunity`), a meeting
(`konferenzen.Meeting`), a Quartier that people wish a conference for (`quartiere.Quartier`).
Each target model has every member of `SignupTarget` itself, with a value that says "none"
where it has nothing to offer (a Quartier: no places, no date), so the engine reads them
directly instead of guessing with `getattr`.

`contact()` answers "who is the contact person?" once per target, for every place that names
one: the target's page, the notice to print, the mails (reply-to and "new sign-up"), the
admin, the CSV export and the attendance list. This module imports no app.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class Contact:
    """One contact person: name, role, e-mail and phone, and which of them may be shown.

    `show_name` covers the role too. Public pages show `public` only; mails *to* the contact
    person use `recipients`, which ignores the switches (the address is not shown to anyone).
    `source` says for staff whose contact it is ("Projekt Gemeinschaftsgarten").
    """

    name: str = ""
    role: str = ""
    email: str = ""
    phone: str = ""
    show_name: bool = True
    show_email: bool = True
    show_phone: bool = True
    source: str = field(default="", compare=False)

    @property
    def is_empty(self) -> bool:
        """Nothing to reach anyone by: no name, no address, no phone (a role alone is none)."""
        return not (self.name or self.email or self.phone)

    def __bool__(self) -> bool:
        return not self.is_empty

    @property
    def public(self) -> "Contact":
        """The parts staff made public, everything else blanked."""
        return Contact(
            name=self.name if self.show_name else "",
            role=self.role if self.show_name else "",
            email=self.email if self.show_email else "",
            phone=self.phone if self.show_phone else "",
            source=self.source,
        )

    @property
    def reply_to(self) -> list[str]:
        """Where a person's reply to one of our mails goes: the public address only, since the
        reply-to header shows it to the person."""
        return [self.email] if self.email and self.show_email else []

    @property
    def recipients(self) -> list[str]:
        """Who is told of a new sign-up: the address, shown publicly or not."""
        return [self.email] if self.email else []

    def as_text(self) -> str:
        """All parts in one line, for staff (admin, CSV export, attendance list)."""
        person = ", ".join(part for part in (self.name, self.role) if part)
        return " · ".join(part for part in (person, self.email, self.phone) if part)


class SiteContactSource(Protocol):
    """The last resort of every chain: the portal's own contact (the site settings)."""

    def contact(self) -> Contact: ...


@runtime_checkable
class SignupTarget(Protocol):
    """What the engine (capacity, mails, views, admin) uses of a target.

    - `__str__()`: its title in mails and on the personal pages;
    - `starts_at`, `ends_at`: when it happens, None without a date;
    - `place`: where, in one line, "" when there is no place;
    - `places`: how many confirmed sign-ups it takes, None for no limit; a target with
      places subclasses `counters.PlaceCounters` for the stored `places_taken` and
      `places_waiting` (a Quartier taking wishes has no places and no counters);
    - `accepts_signups`: whether the form may take a sign-up now;
    - `get_absolute_url()`: its public page;
    - `contact(site=None)`: its contact person (see `Contact`); `site` is the site settings
      when the caller has them at hand already (a page that shows them in the header), so the
      fallback to the portal's contact costs no second query.
    """

    pk: object
    starts_at: datetime | None
    ends_at: datetime | None
    place: str
    places: int | None

    @property
    def accepts_signups(self) -> bool: ...

    def get_absolute_url(self) -> str: ...

    def contact(self, site: SiteContactSource | None = None) -> Contact: ...
