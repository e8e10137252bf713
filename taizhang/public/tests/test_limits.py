from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import RequestFactory

from taizhang.public.limits import Counter, RateLimited, client_ip
from taizhang.public.models import RateCounter

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def rates(settings: Any) -> None:
    settings.TAIZHANG_PUBLIC_RATES = {"submit_ip": "3/h"}


def test_it_allows_the_limit_and_refuses_the_next_within_the_window(db: Any, rates: None) -> None:
    counter = Counter("submit_ip", "203.0.113.7")
    with time_machine.travel(START, tick=False):
        for _ in range(3):
            counter.hit()
        with pytest.raises(RateLimited) as caught:
            counter.hit()
    assert caught.value.status_code == 429 and "分钟后再试" in caught.value.message
    assert caught.value.wait_seconds == 3600
    assert RateCounter.objects.get().count == 4


def test_it_counts_each_address_apart_and_starts_again_in_the_next_window(db: Any, rates: None) -> None:
    with time_machine.travel(START, tick=False):
        for _ in range(3):
            Counter("submit_ip", "203.0.113.7").hit()
        Counter("submit_ip", "203.0.113.8").hit()
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
        Counter("submit_ip", "203.0.113.7").hit()
    # The new window's first hit swept the windows that had passed.
    assert sorted(RateCounter.objects.values_list("count", flat=True)) == [1]


def test_it_checks_without_counting(db: Any, rates: None) -> None:
    counter = Counter("submit_ip", "203.0.113.7")
    with time_machine.travel(START, tick=False):
        counter.check()
        assert not RateCounter.objects.exists()
        for _ in range(3):
            counter.hit()
        with pytest.raises(RateLimited):
            counter.check()


def test_it_keeps_no_address_in_clear(db: Any) -> None:
    Counter("submit_ip", "203.0.113.7").hit()
    assert "203.0.113.7" not in RateCounter.objects.get().key


def test_it_reads_the_address_the_trusted_proxy_saw(settings: Any) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")
    assert client_ip(request) == "10.0.0.2"
    settings.TAIZHANG_TRUSTED_PROXIES = 1
    assert client_ip(request) == "203.0.113.7"  # the client cannot forge what our proxy appended
