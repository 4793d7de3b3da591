"""Forms of the Quartiere pages."""

from engagierte_stadt.submissions.forms import SignupFormBase
from quartiere.models import Signup


class OpportunitySignupForm(SignupFormBase):
    """Sign up for an opportunity (Mitmach-Angebot), on its page."""

    class Meta(SignupFormBase.Meta):
        model = Signup
