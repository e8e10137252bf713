from __future__ import annotations

import pytest

from taizhang.lib.ratelimit import Rate, counter_key, retry_after, window_start


def test_it_reads_rates_as_operators_write_them() -> None:
    assert Rate.parse("10/h") == Rate(10, 3600)
    assert Rate.parse("30/10m") == Rate(30, 600)
    assert Rate.parse(" 5 / d ") == Rate(5, 86400)


@pytest.mark.parametrize("text", ["", "10", "10/x", "ten/h", "10/0m"])
def test_it_refuses_a_rate_it_cannot_read(text: str) -> None:
    with pytest.raises(ValueError):
        Rate.parse(text)


def test_it_puts_every_moment_of_a_window_in_the_same_bucket() -> None:
    assert window_start(7200, 3600) == window_start(10799.9, 3600) == 7200
    assert window_start(10800, 3600) == 10800
    assert retry_after(7200, 3600) == 3600
    assert retry_after(10799.5, 3600) == 1


def test_it_keys_counters_without_the_value_in_clear() -> None:
    key = counter_key("secret", "submit_ip", "203.0.113.7")
    assert key.startswith("submit_ip:") and "203.0.113.7" not in key
    assert key == counter_key("secret", "submit_ip", "203.0.113.7")
    assert key != counter_key("other secret", "submit_ip", "203.0.113.7")
    assert key != counter_key("secret", "track_ip", "203.0.113.7")
