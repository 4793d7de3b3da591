"""The submission engine: every form where a person leaves personal data stands on it.

Two layers, the lower one not knowing the upper:

- **submission** (`submission.py`): personal fields, the time of consent, personal links
  (tokens stored only as hashes), double opt-in, expiry, retention and purge, the personal page
  per e-mail address, spam checks (`forms.py`) and the mails (`mails.py`);
- **capacity** (`capacity.py`): places, the row lock on the target, the waiting list and
  moving up, for submissions that take a place (sign-ups, conference registrations);
- **counters** (`counters.py`): `places_taken` and `places_waiting` stored on a target with
  places (`PlaceCounters`), kept by database triggers in the transaction of every change, so
  lists, orderings, dashboards and fill mails read them instead of counting sign-ups;
- **targets** (`targets.py`): what the engine uses of a target (`SignupTarget`) and its one
  contact person (`Contact`), named alike on its page, in the mails, the admin and exports.

Views (`views.py`) and admin pieces (`admin.py`) are shared by every app that uses it. The
package imports no app: apps import it.
"""
