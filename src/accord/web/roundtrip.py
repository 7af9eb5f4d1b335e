"""Saving a scenario into its YAML file without losing what the analyst wrote around the numbers.

The file is read with ruamel.yaml's round-trip loader, which keeps comments, key order, quoting
and block styles. Only the values that changed are written: the old and the new scenario are
compared as the library sees them (both dumped by the same pydantic model, so defaults the file
leaves out and shorthand it uses compare equal), and each change is applied at its place in the
file's tree. Lists of items with an ``id`` (actors, issues, sources) are matched by id, so
adding or removing one actor keeps the comments on the others. A value whose surroundings cannot
be matched (the file wrote it in a shape the model does not use) is written whole.
"""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from accord.scenario import Scenario

__all__ = ["dump_plain", "update_text"]


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap a long quote the analyst wrote on one line
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _dump(y: YAML, tree: Any) -> str:
    buf = io.StringIO()
    y.dump(tree, buf)
    return buf.getvalue()


def dump_plain(scn: Scenario) -> str:
    """A scenario as fresh YAML (no file to keep comments from), key order as in the model."""
    return _dump(_yaml(), scn.model_dump(mode="json", exclude_none=True))


def _key_in(node: CommentedMap, key: str) -> Any:
    """The key of ``node`` that the JSON key ``key`` stands for (YAML may write ``0:`` for
    ``"0"``), or None."""
    if key in node:
        return key
    for k in node:
        if str(k) == key:
            return k
    return None


def _ids(items: list[Any]) -> list[Any] | None:
    ids = [x.get("id") if isinstance(x, dict) else None for x in items]
    if None in ids or len(set(ids)) != len(ids):
        return None
    return ids


def _merge_list(node: CommentedSeq, old: list[Any], new: list[Any]) -> Any:
    if len(node) != len(old):
        return new
    old_ids, new_ids = _ids(old), _ids(new)
    if old_ids is None or new_ids is None:
        if len(old) != len(new):
            return new
        for i in range(len(new)):
            node[i] = _merge(node[i], old[i], new[i])
        return node
    both = set(old_ids) & set(new_ids)
    if [i for i in old_ids if i in both] != [i for i in new_ids if i in both]:
        return new  # reordered: written whole
    for pos in reversed(range(len(old))):
        if old_ids[pos] not in both:
            del node[pos]  # a removed item goes with its comments
    old_by_id = dict(zip(old_ids, old, strict=True))
    for pos, item_id in enumerate(new_ids):
        if item_id in both:
            node[pos] = _merge(node[pos], old_by_id[item_id], new[pos])
        else:
            node.insert(pos, new[pos])
    return node


def _merge_map(node: CommentedMap, old: dict[str, Any], new: dict[str, Any]) -> Any:
    for key in [k for k in old if k not in new]:
        found = _key_in(node, key)
        if found is not None:
            del node[found]
    for key, value in new.items():
        found = _key_in(node, key)
        if found is None:
            if key not in old or old[key] != value:
                node[key] = value  # a value the file left out (its default), now set
        elif key in old:
            node[found] = _merge(node[found], old[key], value)
        else:
            node[found] = value
    return node


def _merge(node: Any, old: Any, new: Any) -> Any:
    """``node`` (the file's tree for the value ``old``) changed to mean ``new``."""
    if old == new:
        return node
    if isinstance(node, CommentedMap) and isinstance(old, dict) and isinstance(new, dict):
        return _merge_map(node, old, new)
    if isinstance(node, CommentedSeq) and isinstance(old, list) and isinstance(new, list):
        return _merge_list(node, old, new)
    if isinstance(old, dict) and isinstance(new, dict) and not isinstance(node, dict):
        # a shorthand (``salience: 0.8`` for ``{value: 0.8}``): keep it when only the value moved
        rest_old = {k: v for k, v in old.items() if k != "value"}
        rest_new = {k: v for k, v in new.items() if k != "value"}
        if rest_old == rest_new and node == old.get("value"):
            return new.get("value")
    return new


def update_text(text: str, old: Scenario, new: Scenario) -> str:
    """``text`` (the YAML file ``old`` was read from) rewritten to hold ``new``, changing only
    the values that differ; comments, key order and styles elsewhere stay as they were."""
    y = _yaml()
    tree = y.load(text)
    before = old.model_dump(mode="json", exclude_none=True)
    after = new.model_dump(mode="json", exclude_none=True)
    if not isinstance(tree, CommentedMap):
        return dump_plain(new)
    return _dump(y, _merge(tree, before, after))
