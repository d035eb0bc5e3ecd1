"""The ``reference`` fixture: an exercise's reference solution, loaded in the grader.

Reference solutions are the instructor's code and trusted; they run in the grader
process, never in a runner, and are never sent to one. A call whose arguments
and result are plain data is computed once per grader process and reused for
every submission after it.
"""

from __future__ import annotations

import copy
import hashlib
import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

from grader.errors import BankError, ProtocolError
from grader.sandbox import wire


class ReferenceSolution:
    """A reference solution's names; calls with data arguments are memoised."""

    def __init__(self, module: ModuleType, cache: dict[tuple[str, str], Any]) -> None:
        object.__setattr__(self, "_module", module)
        object.__setattr__(self, "_cache", cache)

    def __getattr__(self, name: str) -> Any:
        value = getattr(object.__getattribute__(self, "_module"), name)
        if callable(value) and not isinstance(value, type):
            return _Memoised(name, value, object.__getattribute__(self, "_cache"))
        return value


class _Memoised:
    def __init__(self, name: str, function: Any, cache: dict[tuple[str, str], Any]) -> None:
        self._name = name
        self._function = function
        self._cache = cache

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        key = _data_key(args, kwargs)
        if key is None:
            return self._function(*args, **kwargs)
        slot = (self._name, key)
        if slot not in self._cache:
            result = self._function(*args, **kwargs)
            if _data_key((result,), {}) is None:
                return result
            self._cache[slot] = result
        return copy.deepcopy(self._cache[slot])

    def __getattr__(self, name: str) -> Any:
        return getattr(self._function, name)


def _data_key(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
    try:
        frame = wire.encode_frame({"args": list(args), "kwargs": kwargs})
    except ProtocolError:
        return None
    return hashlib.sha256(frame).hexdigest()


class ReferenceSolutions:
    """Every exercise's reference solution, each imported once, on first use."""

    def __init__(self) -> None:
        self._modules: dict[Path, ModuleType] = {}
        self._caches: dict[Path, dict[tuple[str, str], Any]] = {}

    def for_path(self, path: Path) -> ReferenceSolution:
        if path not in self._modules:
            self._modules[path] = _import(path)
            self._caches[path] = {}
        return ReferenceSolution(self._modules[path], self._caches[path])


def _import(path: Path) -> ModuleType:
    name = f"grader_reference_{path.parent.name}".replace("-", "_").replace(".", "_")
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise BankError(f"cannot import the reference solution {path}")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        raise BankError(f"the reference solution {path} fails to run: {error!r}") from error
    return module
