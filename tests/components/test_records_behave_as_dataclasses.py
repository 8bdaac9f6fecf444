"""The resource model's records (components/record.py) behave as the `@dataclass(frozen=True)` classes they
replace (issue #16: the dataclasses cost every headless command ~0.5 ms a class at import). Each record is
compared with the frozen dataclass its own `__init__` describes: same fields in the same order, same
defaults, and the same repr, equality, hashing, replace, pattern matching and frozenness."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle

import pytest

from dapr_secrets.backends import base, registry, resources, runtime
from dapr_secrets.components import config_decoding, loader, model, values
from dapr_secrets.components.record import MutableRecord, Record
from dapr_secrets.tui import user_config

MODULES = (model, base, runtime, registry, resources, loader, config_decoding, user_config)
ALL = [
    value for module in MODULES for value in vars(module).values()
    if isinstance(value, type) and issubclass(value, MutableRecord) and value.__module__ == module.__name__
]
RECORDS = [cls for cls in ALL if issubclass(cls, Record)]  # were @dataclass(frozen=True)
MUTABLE = [cls for cls in ALL if not issubclass(cls, Record)]  # were @dataclass

# Fields that were field(default_factory=dict or list): the record takes None for "a new one".
FACTORIES = {
    ("SecretDetails", "attributes"): dict, ("StoreContext", "options"): dict, ("RuntimeOptions", "store_options"): dict,
    ("UserConfig", "keys"): dict,
    **{(cls.__name__, p.name): list for cls in MUTABLE for p in inspect.signature(cls).parameters.values() if p.default is None},
    ("LoadedResources", "extra"): dict,
}


def dataclass_repr(cls: type[Record]) -> bool:
    return "__repr__" not in vars(cls)  # LastChanged writes a short one of its own, as it did as a dataclass


def test_the_model_and_the_store_contract_are_made_of_records() -> None:
    assert {cls.__name__ for cls in RECORDS} >= {"Source", "Diagnostic", "Component", "Reference", "StoreContext", "SecretDetails",
                                             "ComponentStatus", "ApiResponse", "Lookup", "RuntimeOptions", "UserConfig"}
    assert {cls.__name__ for cls in MUTABLE} == {"Settings", "LoadResult", "LoadedResources"}


def twin(cls: type[MutableRecord]) -> type:
    """The dataclass (frozen for a Record) with the fields and defaults `cls.__init__` takes."""
    parameters = list(inspect.signature(cls).parameters.values())
    def spec(p: inspect.Parameter) -> tuple[str, type] | tuple[str, type, object]:
        if (cls.__name__, p.name) in FACTORIES:
            return (p.name, object, dataclasses.field(default_factory=FACTORIES[cls.__name__, p.name]))
        return (p.name, object) if p.default is inspect.Parameter.empty else (p.name, object, dataclasses.field(default=p.default))

    fields = [spec(p) for p in parameters]
    made: type = dataclasses.make_dataclass(cls.__name__, fields, frozen=issubclass(cls, Record))
    return made


def sample_arguments(cls: type[MutableRecord], tag: str) -> dict[str, object]:
    """Every field given, each with a distinct, hashable value."""
    return {name: f"{tag}-{name}" for name in inspect.signature(cls).parameters}


@pytest.mark.parametrize("cls", ALL, ids=lambda cls: cls.__name__)
def test_a_record_has_the_fields_of_its_init_in_order(cls: type[MutableRecord]) -> None:
    assert cls.__match_args__ == tuple(inspect.signature(cls).parameters)
    assert cls.__match_args__ == twin(cls).__match_args__  # type: ignore[attr-defined]  # a dataclass's


@pytest.mark.parametrize("cls", RECORDS, ids=lambda cls: cls.__name__)
def test_a_record_annotates_the_fields_it_lists(cls: type[Record]) -> None:
    """A field is written three times (annotation, `__match_args__`, `__init__`): a field added to one
    and not the others fails here or in the test above."""
    annotated = [name for klass in reversed(cls.__mro__) for name in vars(klass).get("__annotations__", {})]
    assert tuple(dict.fromkeys(name for name in annotated if name != "__match_args__")) == cls.__match_args__


@pytest.mark.parametrize("cls", RECORDS, ids=lambda cls: cls.__name__)
def test_a_record_reads_compares_and_hashes_as_the_dataclass(cls: type[Record]) -> None:
    dataclass = twin(cls)
    arguments = sample_arguments(cls, "a")
    ours, theirs = cls(**arguments), dataclass(**arguments)
    assert not dataclass_repr(cls) or repr(ours) == repr(theirs)
    assert hash(ours) == hash(theirs)
    assert ours == cls(**arguments) and not ours != cls(**arguments)
    assert ours != theirs  # a dataclass equals only its own class; so does a record
    for name in cls.__match_args__:  # each field takes part in == and hash
        changed = {**arguments, name: "other"}
        assert (ours == cls(**changed)) == (theirs == dataclass(**changed)) is False
        assert not dataclass_repr(cls) or repr(cls(**changed)) == repr(dataclass(**changed))


@pytest.mark.parametrize("cls", ALL, ids=lambda cls: cls.__name__)
def test_a_record_keeps_the_dataclass_defaults(cls: type[MutableRecord]) -> None:
    required = {p.name: "x" for p in inspect.signature(cls).parameters.values() if p.default is inspect.Parameter.empty}
    ours, theirs = cls(**required), twin(cls)(**required)
    assert [getattr(ours, name) for name in cls.__match_args__] == [getattr(theirs, name) for name in cls.__match_args__]


@pytest.mark.parametrize("cls", ALL, ids=lambda cls: cls.__name__)
def test_replace_gives_what_dataclasses_replace_gives(cls: type[MutableRecord]) -> None:
    arguments = sample_arguments(cls, "a")
    last = cls.__match_args__[-1]
    ours, theirs = cls(**arguments).replace(**{last: "new"}), dataclasses.replace(twin(cls)(**arguments), **{last: "new"})
    assert ours._values() == tuple(getattr(theirs, name) for name in cls.__match_args__) and type(ours) is cls
    with pytest.raises(TypeError):  # an unknown field, as dataclasses.replace
        cls(**arguments).replace(no_such_field=1)


@pytest.mark.parametrize("cls", RECORDS, ids=lambda cls: cls.__name__)
def test_a_record_is_frozen(cls: type[Record]) -> None:
    record = cls(**sample_arguments(cls, "a"))
    first = cls.__match_args__[0]
    with pytest.raises(AttributeError, match=f"cannot assign to field '{first}'"):
        setattr(record, first, "b")
    with pytest.raises(AttributeError, match=f"cannot delete field '{first}'"):
        delattr(record, first)
    with pytest.raises(AttributeError):
        record.not_a_field = 1  # type: ignore[attr-defined]  # what is being refused
    assert getattr(record, first) == f"a-{first}"


@pytest.mark.parametrize("cls", RECORDS, ids=lambda cls: cls.__name__)
def test_a_record_copies_pickles_and_matches_like_the_dataclass(cls: type[Record]) -> None:
    record = cls(**sample_arguments(cls, "a"))
    assert copy.copy(record) == record == copy.deepcopy(record)
    assert pickle.loads(pickle.dumps(record)) == record
    first = cls.__match_args__[0]
    match record:
        case cls(value):  # type: ignore[misc]  # positional capture by __match_args__, as a dataclass
            assert value == f"a-{first}"
        case _:
            pytest.fail("no positional match")


def test_a_component_built_in_code_is_sourced_in_memory() -> None:
    # was field(default_factory=lambda: Source("<memory>")): one shared, immutable default now
    assert model.Component("a", "b").source == model.Source("<memory>")
    assert model.Component("a", "b") == model.Component("a", "b")


def test_a_default_dict_is_a_new_one_each_time() -> None:
    first, second = base.SecretDetails(), base.SecretDetails()
    assert first.attributes == {} and first.attributes is not second.attributes
    assert base.StoreContext({}, "/").options == {} and base.StoreContext({}, "/").options is not base.StoreContext({}, "/").options


def test_last_changed_keeps_its_short_repr() -> None:
    import datetime

    when = datetime.datetime(2026, 12, 4, 9, 0, tzinfo=datetime.UTC)
    assert repr(base.LastChanged(when, "updated")) == "LastChanged(2026-12-04T09:00:00.000000Z, 'updated')"


@pytest.mark.parametrize("cls", MUTABLE, ids=lambda cls: cls.__name__)
def test_a_mutable_record_reads_compares_and_sets_as_the_dataclass(cls: type[MutableRecord]) -> None:
    dataclass = twin(cls)
    arguments = sample_arguments(cls, "a")
    ours, theirs = cls(**arguments), dataclass(**arguments)
    assert repr(ours) == repr(theirs)
    assert ours == cls(**arguments) and ours != theirs
    assert cls.__hash__ is None is dataclass.__hash__  # eq and not frozen: unhashable
    first = cls.__match_args__[0]
    setattr(ours, first, "b")
    setattr(theirs, first, "b")
    assert repr(ours) == repr(theirs) and ours != cls(**arguments)


@pytest.mark.parametrize("cls", MUTABLE, ids=lambda cls: cls.__name__)
def test_a_default_list_is_a_new_one_each_time(cls: type[MutableRecord]) -> None:
    required = {p.name: "x" for p in inspect.signature(cls).parameters.values() if p.default is inspect.Parameter.empty}
    first, second = cls(**required), cls(**required)
    for name, factory in FACTORIES.items():
        if name[0] == cls.__name__:
            assert getattr(first, name[1]) == factory() and getattr(first, name[1]) is not getattr(second, name[1])


def test_a_yaml_node_is_the_dataclass_it_was() -> None:
    """values.Node was @dataclass(eq=False, slots=True): compared by identity, no __dict__, the dataclass repr."""
    old = dataclasses.dataclass(eq=False, slots=True)(type("Node", (), {
        "__annotations__": dict.fromkeys(values.Node.__match_args__, "object"),
        "value": "", "tag": None, "plain": False, "items": dataclasses.field(default_factory=list), "target": None, "anchor": None,
    }))
    ours, theirs = values.Node("scalar", 3, "x"), old("scalar", 3, "x")
    assert repr(ours) == repr(theirs)
    assert ours != values.Node("scalar", 3, "x") and ours == ours and hash(ours) == object.__hash__(ours)
    assert not hasattr(ours, "__dict__") and values.Node.__slots__ == old.__slots__
    assert values.Node("a", 1).items == [] and values.Node("a", 1).items is not values.Node("a", 1).items
    loop = values.Node("sequence", 1)
    loop.items.append(loop)  # an anchor inside itself: the repr stops, as the dataclass's does
    old_loop = old("sequence", 1)
    old_loop.items.append(old_loop)
    assert repr(loop) == repr(old_loop)
