"""TOTP against the RFC's own test vectors, and the sealing of its secret."""

from __future__ import annotations

import pytest

from taizhang.lib import secretbox, totp

SEEDS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890123456789012345678901234567890123456789012345678901234",
}

# RFC 6238 Appendix B (8 digits).
RFC6238 = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]


@pytest.mark.parametrize(("unix_time", "sha1", "sha256", "sha512"), RFC6238)
def test_it_matches_rfc_6238_appendix_b(unix_time: int, sha1: str, sha256: str, sha512: str) -> None:
    for digest, expected in (("sha1", sha1), ("sha256", sha256), ("sha512", sha512)):
        assert totp.totp(SEEDS[digest], unix_time, digits=8, digest=digest) == expected, (unix_time, digest)


def test_it_matches_rfc_4226_appendix_d() -> None:
    expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
    assert [totp.hotp(SEEDS["sha1"], counter) for counter in range(10)] == expected


def test_six_digits_are_the_last_six_of_the_rfc_value() -> None:
    assert totp.totp(SEEDS["sha1"], 1234567890) == "005924"


def test_a_code_matches_one_step_either_side_and_no_further() -> None:
    secret = SEEDS["sha1"]
    moment = 1_700_000_000
    step = totp.step_at(moment)
    for offset in (-1, 0, 1):
        assert totp.matching_step(secret, totp.hotp(secret, step + offset), moment) == step + offset
    for offset in (-3, -2, 2, 3):
        assert totp.matching_step(secret, totp.hotp(secret, step + offset), moment) is None


def test_a_used_step_and_older_ones_never_match_again() -> None:
    secret = SEEDS["sha1"]
    moment = 1_700_000_000
    step = totp.step_at(moment)
    code = totp.hotp(secret, step)
    assert totp.matching_step(secret, code, moment, after_step=step) is None
    assert totp.matching_step(secret, totp.hotp(secret, step - 1), moment, after_step=step) is None
    assert totp.matching_step(secret, totp.hotp(secret, step + 1), moment, after_step=step) == step + 1


def test_typed_codes_are_forgiven_spaces_and_full_width_digits() -> None:
    secret = SEEDS["sha1"]
    code = totp.totp(secret, 1_700_000_000)
    typed = " ".join([code[:3], code[3:]]).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert totp.matching_step(secret, typed, 1_700_000_000) == totp.step_at(1_700_000_000)
    assert totp.matching_step(secret, "12345", 1_700_000_000) is None
    assert totp.matching_step(secret, "abcdef", 1_700_000_000) is None


def test_base32_and_the_otpauth_uri() -> None:
    secret = SEEDS["sha1"]
    assert totp.to_base32(secret) == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert totp.from_base32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq") == secret
    uri = totp.provisioning_uri(secret, "admin", "台账")
    assert uri.startswith("otpauth://totp/%E5%8F%B0%E8%B4%A6%3Aadmin?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&")
    assert "issuer=%E5%8F%B0%E8%B4%A6" in uri and "digits=6" in uri and "period=30" in uri


def test_a_sealed_secret_opens_only_with_its_key_and_purpose() -> None:
    box = secretbox.seal(b"totp-secret-bytes!!!", b"key-one", "totp")
    assert b"totp-secret" not in box.encode()
    assert secretbox.unseal(box, [b"other", b"key-one"], "totp") == b"totp-secret-bytes!!!"
    for keys, purpose in (([b"other"], "totp"), ([b"key-one"], "phone")):
        with pytest.raises(ValueError):
            secretbox.unseal(box, keys, purpose)
    tampered = box[:10] + ("A" if box[10] != "A" else "B") + box[11:]
    with pytest.raises(ValueError):
        secretbox.unseal(tampered, [b"key-one"], "totp")
    assert secretbox.seal(b"same", b"key-one", "totp") != secretbox.seal(b"same", b"key-one", "totp")
