"""The weekly digest per editor: one mail with what is new and what needs doing in the
Quartiere the staff member works on, the same scope as their admin.

It is the admin index's dashboard (`engagierte_stadt.dashboard`) sent by mail: the same
providers count the same to-dos (partner applications and ideas waiting, wishes for a
conference, offers full or nearly full, meetings soon without agenda, past meetings without
minutes) and, because the digest's scope has a `since`, also what is new since the last
digest (confirmed sign-ups per opportunity). Counts and titles of offers only, never who
signed up: a mail box is not the place for volunteers' names.

`digests_send` is the job (`manage.py send_editor_digests`, run by `run_jobs`): it mails
each active staff member with an address who has not switched the digest off
(`EditorDigest.enabled`) and got none in the last week; nothing is sent when there is
nothing to say, and then the next run tries again.

A shared building block: it imports no app (the providers come from the apps).
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation

from engagierte_stadt import dashboard
from engagierte_stadt.mails import send_mail_template
from engagierte_stadt.models import EditorDigest

logger = logging.getLogger(__name__)

WEEK = timedelta(days=7)
# A run an hour early (the timer drifts) still counts as a week later.
SLACK = timedelta(hours=1)


@dataclass
class Digest:
    """One editor's digest: the to-dos and the news since `since`, with absolute links."""

    since: datetime
    tasks: list[dashboard.Task] = field(default_factory=list)
    news: list[dashboard.Figure] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.tasks and not any(figure.total for figure in self.news)


def _absolute(base_url: str, url: str) -> str:
    return f"{base_url}{url}" if url.startswith("/") else url


def digest_build(user, *, since: datetime, now: datetime, base_url: str = "") -> Digest:
    """What the digest of `user` says: the dashboard of their admin (same scope, same
    counts) for the moment `now`, with what is new since `since`. Texts in the portal's
    language (staff read German), links made absolute with `base_url`."""
    request = HttpRequest()
    request.user = user
    with translation.override(settings.LANGUAGE_CODE):
        board = dashboard.build(request, now=now, since=since)
    tasks = [
        dashboard.Task(task.text, task.count, _absolute(base_url, task.url), task.key)
        for task in board.tasks
    ]
    news = []
    for figure in board.figures:
        if not (figure.news and figure.total):
            continue
        figure.rows = [
            dashboard.Row(row.label, row.value, _absolute(base_url, row.url), row.note)
            for row in figure.rows
            if row.value
        ]
        figure.url = _absolute(base_url, figure.url)
        news.append(figure)
    return Digest(since=since, tasks=tasks, news=news)


def digest_recipients():
    """Active staff with an address who have not switched the digest off."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_staff=True) | Q(is_superuser=True))
        .exclude(email="")
        .exclude(editor_digest__enabled=False)
        .select_related("editor_digest")
        .order_by("pk")
    )


def last_sent(user) -> datetime | None:
    try:
        return user.editor_digest.last_sent_at
    except EditorDigest.DoesNotExist:
        return None


def digest_due(user, now: datetime) -> bool:
    """At most one digest a week."""
    last = last_sent(user)
    return last is None or last <= now - WEEK + SLACK


def _mail(user, digest: Digest, base_url: str) -> bool:
    context = {
        "name": user.get_full_name() or user.get_username(),
        "digest": digest,
        "since": timezone.localtime(digest.since),
        "base_url": base_url,
        "admin_url": base_url + reverse("admin:index"),
        "settings_url": base_url + reverse("admin:engagierte_stadt_editordigest_changelist"),
    }
    return send_mail_template("mail/editor_digest", context, [user.email])


def digests_send(*, base_url: str, now: datetime | None = None) -> int:
    """Mail every staff member whose digest is due and has something to say (see the module
    docstring). Returns how many digests were sent; logs counts and user ids, no address."""
    now = now or timezone.now()
    sent = 0
    for user in digest_recipients():
        if not digest_due(user, now):
            continue
        since = last_sent(user) or now - WEEK
        digest = digest_build(user, since=since, now=now, base_url=base_url)
        if digest.is_empty:
            continue
        if _mail(user, digest, base_url):
            EditorDigest.objects.update_or_create(user=user, defaults={"last_sent_at": now})
            sent += 1
            logger.info("weekly digest sent to staff member %d", user.pk)
    return sent
