"""Settings records behave exactly like ``@dataclass(frozen=True)`` ones (see ``values``)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pytest

from noxkit._config import schema
from noxkit._config.values import Value, record


@record
class Record(Value):
    name: str
    paths: tuple[str, ...] = ()
    note: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True)
class Plain:
    name: str
    paths: tuple[str, ...] = ()
    note: str = field(default="", compare=False, repr=False)


@record
class Other(Value):
    name: str
    paths: tuple[str, ...] = ()
    note: str = field(default="", compare=False, repr=False)


class TestLikeAFrozenDataclass:
    def test_equal_by_compared_fields(self):
        assert Record("a", ("x",), note="1") == Record("a", ("x",), note="2")
        assert Record("a", ("x",)) != Record("a", ("y",))
        assert Plain("a", ("x",), note="1") == Plain("a", ("x",), note="2")

    def test_hash_follows_equality(self):
        assert hash(Record("a", ("x",), note="1")) == hash(Record("a", ("x",), note="2"))
        assert len({Record("a"), Record("a"), Record("b")}) == 2

    def test_another_class_with_the_same_fields_is_not_equal(self):
        assert Record("a") != Other("a")
        assert Record("a") != ("a", ())

    def test_repr_is_the_dataclass_repr(self):
        plain = repr(Plain("a", ("x",), note="hidden"))
        assert repr(Record("a", ("x",), note="hidden")) == plain.replace("Plain", "Record")

    def test_frozen(self):
        record = Record("a")
        with pytest.raises(dataclasses.FrozenInstanceError):
            record.name = "b"  # type: ignore[misc]
        with pytest.raises(dataclasses.FrozenInstanceError):
            record.extra = 1  # type: ignore[attr-defined]
        with pytest.raises(dataclasses.FrozenInstanceError):
            del record.paths  # type: ignore[misc]
        assert record == Record("a")

    def test_fields_and_replace_work(self):
        """The reference generator reads the fields; profiles and tests use replace()."""
        assert [f.name for f in dataclasses.fields(Record)] == ["name", "paths", "note"]
        assert dataclasses.replace(Record("a"), paths=("x",)) == Record("a", ("x",))

    def test_the_settings_tables_compare_by_value(self):
        assert schema.Settings() == schema.Settings()
        assert schema.Settings() != schema.Settings(tests=schema.TestsConfig(maxfail=7))
        assert hash(schema.Settings()) == hash(schema.Settings())
        assert "maxfail=7" in repr(schema.TestsConfig(maxfail=7))
