"""iCalendar feeds and downloads. (Stubs: being built.)"""

from django.http import Http404


def _stub(request, **kwargs):
    raise Http404


all_meetings_feed = quartier_feed = conference_feed = meeting_ics = _stub
