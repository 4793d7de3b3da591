"""Registration for meetings and wishes for new conferences. (Stubs: being built.)"""

from konferenzen.views import _Stub

WishView = WishSentView = WishConfirmView = WishManageView = _Stub
RegistrationConfirmView = RegistrationManageView = _Stub
MeetingRegisterView = MeetingRegisterSentView = _Stub
