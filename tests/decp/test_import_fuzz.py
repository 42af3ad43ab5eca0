"""Mutations of a small valid file (hypothesis): each one imports, or is refused with a French sentence naming the
file; no other exception, no engine message, no store left half-written."""

import gzip
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from spaser.decp.importer import import_files
from spaser.errors import SpaserError
from tests.decp.factories import FIXTURES, assert_accounting, database
from tests.decp.test_import_hostile import ENGINE_WORDS


VALID = (FIXTURES / "hostile" / "montant_nan.json").read_bytes().replace(b"NaN", b"12.5")
NUMBER = re.compile(rb"(?<=: )-?\d+(?:\.\d+)?")
EXTREMES = [b"NaN", b"Infinity", b"-Infinity", b"1e400", b"-1e30", b"9" * 400, b"1e26", b"-0", b'"1e999"', b"0.0"]


@st.composite
def mutations(draw) -> bytes:
    data = bytearray(VALID)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "extreme"]))
        position = draw(st.integers(0, len(data) - 1))
        if kind == "truncate":
            del data[position:]
        elif kind == "flip":
            data[position] ^= draw(st.integers(1, 255))
        elif kind == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=40))
        else:
            numbers = list(NUMBER.finditer(data))
            if numbers:
                match = numbers[draw(st.integers(0, len(numbers) - 1))]
                data[match.start() : match.end()] = draw(st.sampled_from(EXTREMES))
        if not data:
            data = bytearray(b" ")
    return gzip.compress(bytes(data), mtime=0) if draw(st.booleans()) else bytes(data)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations())
def test_a_mutated_file_imports_or_gets_a_french_error(content):
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "mutation.json"
        source.write_bytes(content)
        store = Path(folder) / "store"
        try:
            report = import_files([source], store)
        except SpaserError as error:
            message = str(error)
            assert message.startswith("mutation.json"), message
            assert "\n" not in message and not ENGINE_WORDS.search(message), message
            assert not database(store).exists()
        else:
            assert_accounting(report)
            assert report.records_read >= report.new + report.rejected
            assert not (store / ".work").exists()
