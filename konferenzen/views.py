"""Public pages of the district conferences. (Stubs: being built.)"""

from django.http import Http404
from django.views import View


class _Stub(View):
    def get(self, request, *args, **kwargs):
        raise Http404


OverviewView = ArchiveIndexView = ArchiveYearView = _Stub
ConferenceDetailView = MeetingDetailView = _Stub
