"""Alerts for new offers ("Benachrichtigen Sie mich"): subscribe, confirm, send, unsubscribe.

A subscription is an entry of the submission engine (personal link, opt-in, expiry, purge,
personal page). Its search is the opportunity list's own filter (`quartiere.filters`), so a
mail announces exactly what the list shows for the same link. `alerts_send` is the job: run it
often (every few minutes, or from `manage.py run_jobs` where that exists); a subscriber gets at
most one mail per run with every new match, and a weekly subscriber at most one a week.

Nothing here logs an address: log lines name subscriptions by number.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from engagierte_stadt.mails import send_mail_template
from engagierte_stadt.submissions.mails import personal_links, send_with_code
from engagierte_stadt.submissions.submission import (
    CONFIRMATION_HOURS,
    new_link,
    normalise_email,
    submission_confirm,
)
from quartiere.filters import clean_query, matching_opportunities
from quartiere.models import AlertStatus, AlertSubscription, Opportunity, Quartier, Topic

logger = logging.getLogger(__name__)

WEEK = timedelta(days=7)


@dataclass
class AlertSubmitResult:
    subscription: AlertSubscription
    token: str
    created: bool


def alert_submit(*, email: str, query: str, frequency: str) -> AlertSubmitResult:
    """Store a subscription as unconfirmed and return its personal token for the opt-in mail.

    `query` is the list's query string; only the filters the list knows are kept. The same
    address, search and frequency again gives the same subscription (and the same link).
    """
    email = normalise_email(email)
    query, cleaned = clean_query(QueryDict(query))
    active = AlertSubscription.objects.not_purged().filter(
        email=email,
        query=query,
        frequency=frequency,
        status__in=[AlertStatus.UNCONFIRMED, AlertStatus.CONFIRMED],
    )
    if found := active.first():
        return AlertSubmitResult(found, found.personal_token(), False)
    link = new_link()
    try:
        with transaction.atomic():
            subscription = AlertSubscription.objects.create(
                email=email,
                query=query,
                frequency=frequency,
                quartier=Quartier.objects.filter(slug=cleaned.get("quartier")).first(),
                # For the counts staff see: the first topic of the search.
                topic=Topic.objects.filter(slug__in=cleaned.get("topic") or []).first(),
                token_hash=link.token_hash,
                link_key=link.key,
                consent_at=timezone.now(),
            )
    except IntegrityError:  # the same form sent twice at once
        found = active.first()
        if found is None:
            raise
        return AlertSubmitResult(found, found.personal_token(), False)
    logger.info("alert subscription %s stored", subscription.pk)
    return AlertSubmitResult(subscription, link.token, True)


def alert_confirm(*, token: str):
    """Confirm by the opt-in link; offers published from now on are announced."""
    subscription = submission_confirm(model=AlertSubscription, token=token)
    if subscription is not None and subscription.confirmed_now:
        AlertSubscription.objects.filter(pk=subscription.pk).update(
            checked_until=subscription.confirmed_at, last_activity_at=subscription.confirmed_at
        )
    return subscription


def alert_seen(subscription: AlertSubscription) -> None:
    """A sign of life (the person opened their subscription's page): the purge waits."""
    AlertSubscription.objects.filter(pk=subscription.pk).update(last_activity_at=timezone.now())


def _links(subscription: AlertSubscription, base_url: str) -> dict:
    """The personal links, to the pages in the subscriber's language."""
    with subscription.in_language():
        return _links_in_active_language(subscription, base_url)


def _links_in_active_language(subscription: AlertSubscription, base_url: str) -> dict:
    token = subscription.personal_token()
    return {
        **personal_links(AlertSubscription, token, base_url),
        "unsubscribe_url": base_url
        + reverse("quartiere:alert_unsubscribe", kwargs={"token": token}),
        "list_url": base_url + subscription.list_path(),
    }


def mail_confirm_request(*, subscription: AlertSubscription, base_url: str) -> bool:
    context = {
        "subscription": subscription,
        "base_url": base_url,
        "confirmation_hours": CONFIRMATION_HOURS,
        **_links(subscription, base_url),
    }
    sent = send_with_code(
        subscription,
        lambda code: send_mail_template(
            "mail/alert_confirm_request",
            {**context, **code},
            [subscription.email],
            language=subscription.language,
        ),
    )
    if sent:
        logger.info("alert subscription %s: opt-in mail queued", subscription.pk)
    return sent


def _mail_matches(subscription: AlertSubscription, matches: list, base_url: str) -> bool:
    links = _links(subscription, base_url)
    with subscription.in_language():
        offer_urls = [(offer, offer.get_absolute_url()) for offer in matches]
    context = {
        "subscription": subscription,
        "description": subscription.describe(),
        "matches": [(offer, base_url + offer_url) for offer, offer_url in offer_urls],
        "weekly": subscription.frequency == AlertSubscription.Frequency.WEEKLY,
        "base_url": base_url,
        **links,
    }
    headers = {
        # RFC 8058: mail programs offer one-click unsubscribe and POST to this address.
        "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return send_mail_template(
        "mail/alert_matches",
        context,
        [subscription.email],
        headers=headers,
        language=subscription.language,
    )


def _due(subscription: AlertSubscription, now) -> bool:
    if subscription.frequency == AlertSubscription.Frequency.IMMEDIATE:
        return True
    # An hour of slack, so that a weekly run at the same time is not a minute too early.
    return subscription.last_sent_at is None or subscription.last_sent_at <= now - WEEK + (
        timedelta(hours=1)
    )


def alerts_send(*, base_url: str, now=None) -> int:
    """Mail every confirmed subscriber whose search finds offers published since their last
    mail (weekly ones at most once a week). Returns how many mails were sent.

    Each distinct search is evaluated once per run (many people share "Welper", say), over
    the offers published since the oldest subscription's last check; each subscriber then
    gets the matches newer than their own.
    """
    now = now or timezone.now()
    due = [
        subscription
        for subscription in AlertSubscription.objects.active().filter(checked_until__isnull=False)
        if _due(subscription, now)
    ]
    if not due:
        return 0
    since = min(subscription.checked_until for subscription in due)
    candidates = Opportunity.objects.published().filter(
        published_at__gt=since, published_at__lte=now
    )
    found: dict[str, list] = {}
    sent = 0
    for subscription in due:
        if subscription.query not in found:
            found[subscription.query] = list(
                matching_opportunities(subscription.query, candidates).order_by("title")
            )
        matches = [
            offer
            for offer in found[subscription.query]
            if offer.published_at > subscription.checked_until
        ]
        update = {"checked_until": now}
        if matches and _mail_matches(subscription, matches, base_url):
            update["last_sent_at"] = now
            sent += 1
            logger.info(
                "alert subscription %s: %d new offers mailed", subscription.pk, len(matches)
            )
        AlertSubscription.objects.filter(pk=subscription.pk).update(**update)
    return sent
