from spaser.reference import KIND_NAMES
from spaser.reference.kinds import KINDS


def test_every_kind_has_loaders():
    assert tuple(KINDS) == KIND_NAMES
    assert all(kind.layouts for kind in KINDS.values())
