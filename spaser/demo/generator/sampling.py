"""Small vectorised helpers: categorical draws from cumulative weights, Luhn check digits, distinct strings."""

from collections.abc import Callable

import numpy as np


BATCH_SIZE = 10_000  # rows drawn at once by the record factories


def cumulative(weights) -> np.ndarray:
    cdf = np.cumsum(np.asarray(weights, dtype=float))
    cdf /= cdf[-1]
    cdf[-1] = 1.0
    return cdf


def pick(uniforms: np.ndarray, cdf: np.ndarray) -> np.ndarray:
    return np.searchsorted(cdf, uniforms, side="right")


def pick_by_regime(uniforms: np.ndarray, cdfs: np.ndarray, regime: np.ndarray) -> np.ndarray:
    """Categorical draw whose weights depend on a per-row regime; `cdfs` has one cumulative row per regime."""
    return (uniforms[:, None] >= cdfs[regime][:, :-1]).sum(axis=1)


def regime_cdfs(weight_rows) -> np.ndarray:
    return np.array([cumulative(weights) for weights in weight_rows])


def scaled_index(uniforms: np.ndarray, size) -> np.ndarray:
    """Uniforms in [0, 1) scaled to indexes below `size` (an array of sizes, or one)."""
    return np.minimum((uniforms * size).astype(np.int64), np.asarray(size) - 1)


def with_luhn_digit(bodies: list[str]) -> list[str]:
    """Append the digit that makes each body (all of one length) pass the Luhn check."""
    if not bodies:
        return []
    width = len(bodies[0])
    digits = np.frombuffer("".join(bodies).encode("ascii"), dtype=np.uint8).reshape(-1, width).astype(np.int64) - 48
    # Counted from the right once the check digit is appended, every second digit is doubled.
    doubled = np.arange(width) % 2 == (width - 1) % 2
    twice = digits[:, doubled] * 2
    total = digits[:, ~doubled].sum(axis=1) + (twice - 9 * (twice > 9)).sum(axis=1)
    checks = ((10 - total % 10) % 10).tolist()
    return [body + str(check) for body, check in zip(bodies, checks, strict=True)]


def luhn_valid(number: str) -> bool:
    """True for a string of digits passing the Luhn check (SIREN, SIRET)."""
    if not number.isdigit():
        return False
    total = 0
    for position, character in enumerate(reversed(number)):
        digit = int(character) * (2 if position % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def unique_strings(draw: Callable[[int], list[str]], count: int) -> list[str]:
    """Draw `count` distinct strings, drawing again the rare collisions."""
    values = draw(count)
    while True:
        seen: set[str] = set()
        collisions = []
        for position, value in enumerate(values):
            if value in seen:
                collisions.append(position)
            seen.add(value)
        if not collisions:
            return values
        for position, value in zip(collisions, draw(len(collisions)), strict=True):
            values[position] = value
