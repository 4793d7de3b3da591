"""Partner pages. (Stubs: being built.)"""

from django.http import Http404
from django.views import View


class DirectoryView(View):
    def get(self, request, *args, **kwargs):
        raise Http404
