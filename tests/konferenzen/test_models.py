"""Questions a meeting and an action item answer, so that templates need not know the stored
status values ("geplant", "in_arbeit", …)."""

import pytest

from konferenzen.models import ActionItem, Meeting

MEETING_QUESTIONS = {
    Meeting.Status.PLANNED: "is_planned",
    Meeting.Status.CANCELLED: "is_cancelled",
    Meeting.Status.HELD: "is_held",
}

ACTION_ITEM_QUESTIONS = {
    ActionItem.Status.OPEN: None,  # neither in progress nor done
    ActionItem.Status.IN_PROGRESS: "is_in_progress",
    ActionItem.Status.DONE: "is_done",
}


def test_every_meeting_status_has_its_question():
    assert set(MEETING_QUESTIONS) == set(Meeting.Status)


@pytest.mark.parametrize("status", Meeting.Status)
def test_a_meeting_answers_yes_to_its_own_status_only(status):
    meeting = Meeting(status=status)
    yes = [question for question in MEETING_QUESTIONS.values() if getattr(meeting, question)]
    assert yes == [MEETING_QUESTIONS[status]]


def test_every_action_item_status_is_covered():
    assert set(ACTION_ITEM_QUESTIONS) == set(ActionItem.Status)


@pytest.mark.parametrize("status", ActionItem.Status)
def test_an_action_item_answers_yes_to_its_own_status_only(status):
    item = ActionItem(status=status)
    questions = [q for q in ACTION_ITEM_QUESTIONS.values() if q]
    yes = [question for question in questions if getattr(item, question)]
    assert yes == ([ACTION_ITEM_QUESTIONS[status]] if ACTION_ITEM_QUESTIONS[status] else [])
