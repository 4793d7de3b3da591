"""Printable notice (Aushang) and attendance list. (Stubs: being built.)"""

from konferenzen.views import _Stub

MeetingNoticeView = AttendanceListView = _Stub
