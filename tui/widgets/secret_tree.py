"""The secrets of one store as a lazy tree, built from the store's NameIndex.

Only levels the user opened become tree nodes. A level is "synced" against the index: missing
children are inserted in order, vanished ones removed, existing ones kept, so a page of new names
or a refresh never collapses what is open or moves the cursor. Inserts happen in chunks with a
yield to the event loop in between, so the app stays responsive while 1,000 nodes go in.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode, UnknownNodeID

from dapr_secrets.tui.ages import AGE_WIDTH, age, utc_now
from dapr_secrets.tui.name_index import Entry, EntryKind, NameIndex, natural_key
from dapr_secrets.tui.safe_text import safe_text

CHUNK = 200  # nodes added between two yields to the event loop


class NodeKind(str, Enum):
    GROUP = "group"
    BUCKET = "bucket"
    SECRET = "secret"
    KEY = "key"
    STATUS = "status"  # "loading…" placeholder, or an error in place


@dataclass
class NodeData:
    kind: NodeKind
    key: str  # stable among siblings (Entry.key, "k:<key>" or "status")
    path: str = ""  # GROUP/BUCKET: the level path; SECRET/KEY: the secret name
    bucket: str = ""
    secret_key: str = ""  # KEY: the key inside the secret
    count: int = 0
    keys_loaded: bool = False  # SECRET: its keys were fetched
    age: str = ""  # SECRET: the age shown in its label ("" while ages are not shown)
    label: str = ""  # SECRET: its part of the name at this level, to label it again

    @property
    def secret(self) -> str | None:
        return self.path if self.kind in (NodeKind.SECRET, NodeKind.KEY) else None


def data_from_entry(entry: Entry) -> NodeData:
    kind = {EntryKind.GROUP: NodeKind.GROUP, EntryKind.BUCKET: NodeKind.BUCKET, EntryKind.SECRET: NodeKind.SECRET}[entry.kind]
    return NodeData(kind, entry.key, entry.path, entry.bucket, count=entry.count, label=entry.label)


class SecretTree(Tree[NodeData]):
    """Secrets of one store. Posts KeysWanted / FolderWanted; the store view does the I/O."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def on_focus(self) -> None:
        # Textual starts with no cursor line; show one at once so that space and enter act on
        # the row the user sees highlighted.
        if self.cursor_line < 0 and self.last_line >= 0:
            self.cursor_line = 0

    def action_toggle_node(self) -> None:
        if self.cursor_line >= 0:  # Textual would toggle the last row (index -1)
            super().action_toggle_node()

    class KeysWanted(Message):
        """A secret node was expanded and its keys are not known yet."""

        def __init__(self, tree: SecretTree, name: str) -> None:
            super().__init__()
            self.tree = tree
            self.name = name

    class FolderWanted(Message):
        """A folder of a hierarchical store was expanded and has not been listed yet."""

        def __init__(self, tree: SecretTree, path: str) -> None:
            super().__init__()
            self.tree = tree
            self.path = path

    def __init__(
        self,
        store: str,
        index: NameIndex,
        decorate: Callable[[str], Text | None] | None = None,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(store, NodeData(NodeKind.GROUP, "root"), id=id)
        self.store = store
        self.index = index
        self.decorate = decorate  # extra text after a secret's name (scope decision, notes)
        self.show_root = False
        self.guide_depth = 3
        self.by_age = False  # an age column, secrets newest first (the app's `a`)
        self.clock: Callable[[], datetime] = utc_now
        self._dirty: list[TreeNode[NodeData]] = []
        self._syncing = False
        self._sync_lock = asyncio.Lock()  # one merge at a time: merges yield between chunks

    # ----- cheap width: the default renders every label of the tree after each change

    def get_label_width(self, node: TreeNode[NodeData]) -> int:
        return cell_len(str(node.label)) + (2 if node.allow_expand else 0)  # str(Text) is its plain text

    # ----- the placeholder / error line at the top level

    def set_status(self, text: Text | None) -> None:
        """Show (or remove, with None) the last line of the top level: "loading…" or an error."""
        status = self._status_node()
        if text is None:
            if status is not None:
                status.remove()
        elif status is None:
            self.root.add_leaf(text, NodeData(NodeKind.STATUS, "status"))
        else:
            status.set_label(text)

    def _status_node(self) -> TreeNode[NodeData] | None:
        for child in reversed(self.root.children):
            if child.data is not None and child.data.kind == NodeKind.STATUS:
                return child
        return None

    # ----- syncing levels with the index

    def index_changed(self) -> None:
        """The index has new names: bring every open level up to date (coalesced)."""
        self._mark_dirty(self.root)
        for node in self.open_levels(self.root):
            self._mark_dirty(node)

    def set_by_age(self, on: bool) -> None:
        """Show ages and sort newest first, or back to names: every open level is redone in place."""
        self.by_age = on
        self.index_changed()

    def shown_secrets(self) -> list[str]:
        """The secrets of the levels built as tree nodes: the ones whose age the user may see."""
        names = []
        for level in [self.root, *self.open_levels(self.root)]:
            names += [c.data.path for c in level.children if c.data is not None and c.data.kind == NodeKind.SECRET]
        return names

    def replace_index(self, index: NameIndex) -> None:
        """After a refresh: same tree, new names; what is still there keeps its node."""
        self.index = index
        self.index_changed()

    def open_levels(self, node: TreeNode[NodeData]) -> list[TreeNode[NodeData]]:
        """Expanded groups and buckets below `node`, parents before children."""
        found = []
        for child in node.children:
            if child.is_expanded and child.data is not None and child.data.kind in (NodeKind.GROUP, NodeKind.BUCKET):
                found.append(child)
                found += self.open_levels(child)
        return found

    def _mark_dirty(self, node: TreeNode[NodeData]) -> None:
        if node not in self._dirty:
            self._dirty.append(node)
        if not self._syncing:
            self._syncing = True
            self.run_worker(self._sync_dirty(), group="sync", description=f"sync tree of {self.store}")

    class AgesWanted(Message):
        """Ages are shown and the levels were redone: secrets newly shown may need theirs."""

        def __init__(self, tree: SecretTree) -> None:
            super().__init__()
            self.tree = tree

    async def _sync_dirty(self) -> None:
        try:
            while self._dirty:
                node = self._dirty.pop(0)
                if self._is_alive(node):
                    await self.sync_level(node)
        finally:
            self._syncing = False
        if self.by_age:
            self.post_message(self.AgesWanted(self))

    def _is_alive(self, node: TreeNode[NodeData]) -> bool:
        try:
            return self.get_node_by_id(node.id) is node
        except UnknownNodeID:
            return False

    async def sync_level(self, node: TreeNode[NodeData]) -> None:
        """Make the children of a GROUP/BUCKET node (or the root) match the index."""
        async with self._sync_lock:
            if node.is_root or self._is_alive(node):  # it may have gone while we waited
                await self._merge(node)

    async def _merge(self, node: TreeNode[NodeData]) -> None:
        data = node.data
        if data is None:
            return
        path = "" if node.is_root else data.path
        entries = self.index.entries(path, data.bucket if data.kind == NodeKind.BUCKET else "")
        if self.by_age:
            entries = self._newest_first(entries)
        self._reorder(node, entries)
        # Key and path: when the index regroups at another separator, a group may keep its label.
        wanted = {entry.key: entry.path for entry in entries}
        children = [(c, c.data) for c in node.children if c.data is not None and c.data.kind != NodeKind.STATUS]
        for child, data in children:
            if wanted.get(data.key) != data.path:
                child.remove()
        existing = [(child, data) for child, data in children if wanted.get(data.key) == data.path]
        # Children stay sorted like `entries`, so one pass merges them: the next existing child is
        # always at `position` when its entry comes up.
        position = 0
        next_existing = 0
        added = 0
        for entry in entries:
            if next_existing < len(existing) and existing[next_existing][1].key == entry.key:
                self._update(existing[next_existing][0], entry)
                position += 1
                next_existing += 1
                continue
            data = data_from_entry(entry)
            data.age = self._age_cell(entry.path) if entry.kind == EntryKind.SECRET else ""
            node.add(self.label_for(entry), data, before=position)
            position += 1
            added += 1
            if added % CHUNK == 0:
                await asyncio.sleep(0)
        if not entries and not node.is_root and self.index.is_loaded(path):
            node.allow_expand = False  # an empty folder: drop the arrow
            node.refresh()

    def _newest_first(self, entries: list[Entry]) -> list[Entry]:
        """Folders first, as they were; then secrets newest first, those of unknown age last (each
        group in name order: the sort is stable)."""
        changed = self.index.changed
        folders = [entry for entry in entries if entry.kind != EntryKind.SECRET]
        secrets = [entry for entry in entries if entry.kind == EntryKind.SECRET]

        def newest_first(entry: Entry) -> tuple[bool, float]:
            known = changed.get(entry.path)
            return (known is None, -known.when.timestamp() if known is not None else 0.0)

        return folders + sorted(secrets, key=newest_first)

    def _reorder(self, node: TreeNode[NodeData], entries: list[Entry]) -> None:
        """Put the children in the order of `entries` (the merge below walks both in step): the order
        changes when ages arrive or the sort is toggled. Textual's Tree has no public way to move a
        node, so its children list is sorted in place, and the tree's lines rebuilt."""
        position = {entry.key: index for index, entry in enumerate(entries)}
        last = len(position)
        children = node._children  # noqa: SLF001 - see above

        def place(child: TreeNode[NodeData]) -> int:
            if child.data is None or child.data.kind == NodeKind.STATUS:
                return last + 1  # the status line stays last
            return position.get(child.data.key, last)

        places = [place(child) for child in children]
        if places != sorted(places):
            cursor = self.cursor_node
            children.sort(key=place)
            self._invalidate()
            if cursor is not None:  # the cursor stays on its secret, not on its line
                _ = self.last_line  # rebuild the line index so the node's line is current
                self.move_cursor(cursor)

    def _update(self, node: TreeNode[NodeData], entry: Entry) -> None:
        assert node.data is not None
        cell = self._age_cell(entry.path) if entry.kind == EntryKind.SECRET else ""
        if node.data.count != entry.count or node.data.age != cell:
            node.data.count, node.data.age = entry.count, cell
            node.set_label(self.label_for(entry))

    def relabel_secrets(self) -> None:
        """What follows the names changed (the files were read again: who uses what): every built
        secret node gets its label again."""
        for level in [self.root, *self.open_levels(self.root)]:
            for child in level.children:
                data = child.data
                if data is not None and data.kind == NodeKind.SECRET:
                    child.set_label(self.label_for(Entry(EntryKind.SECRET, data.key, data.label, data.path)))

    def _age_cell(self, name: str) -> str:
        """The age column of a secret: "3h"; "…" until known; "-" where the store does not say."""
        if not self.by_age:
            return ""
        if name not in self.index.changed:
            return "…"
        known = self.index.changed[name]
        return "-" if known is None else age(known.when, self.clock())

    def label_for(self, entry: Entry) -> Text:
        if entry.kind == EntryKind.SECRET:
            label = safe_text(entry.label)
            cell = self._age_cell(entry.path)
            if cell:
                label = Text.assemble((cell.rjust(AGE_WIDTH) + " ", "cyan" if cell[-1] in "smh" else "dim"), label)
            extra = self.decorate(entry.path) if self.decorate else None
            if extra is not None:
                label.append_text(extra)
            return label
        label = safe_text(entry.label or "(empty)")
        if entry.kind == EntryKind.GROUP:
            label.append(self.index.separator, style="dim")
        if entry.count and (entry.kind == EntryKind.BUCKET or not self.index.hierarchical):
            label.append(f" ({entry.count:,})", style="dim")
        return label

    # ----- expanding

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[NodeData]) -> None:
        node, data = event.node, event.node.data
        if event.control is not self or data is None:
            return
        if data.kind in (NodeKind.GROUP, NodeKind.BUCKET):
            if self.index.hierarchical and data.kind == NodeKind.GROUP and not self.index.is_loaded(data.path):
                self.post_message(self.FolderWanted(self, data.path))
            self._mark_dirty(node)
        elif data.kind == NodeKind.SECRET and not data.keys_loaded:
            self.post_message(self.KeysWanted(self, data.path))

    def set_keys(self, name: str, keys: list[str]) -> None:
        """Show the keys of an expanded secret (names only; values stay with the detail pane)."""
        for node in self._secret_nodes(name):
            assert node.data is not None
            node.data.keys_loaded = True
            node.remove_children()
            for key in sorted(keys, key=natural_key):
                node.add_leaf(safe_text(key), NodeData(NodeKind.KEY, "k:" + key, name, secret_key=key))
            if not keys:
                node.allow_expand = False
                node.refresh()

    def _secret_nodes(self, name: str, node: TreeNode[NodeData] | None = None) -> list[TreeNode[NodeData]]:
        """The nodes of secret `name` (one, unless a refresh is in between), among the built ones."""
        found = []
        for child in (node or self.root).children:
            data = child.data
            if data is not None and data.kind == NodeKind.SECRET and data.path == name:
                found.append(child)
            elif child.children and data is not None and data.kind in (NodeKind.GROUP, NodeKind.BUCKET):
                found += self._secret_nodes(name, child)
        return found

    # ----- h / l, g / G and collapse-all (the main screen's keys, tui/actions.py, call these)

    def collapse_or_parent(self) -> None:
        """h / left: close the open node under the cursor; on a closed one or a leaf, go to its parent."""
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and not node.parent.is_root:
            self._put_cursor(node.parent)

    def expand_or_child(self) -> None:
        """l / right: open the node under the cursor; on an open one, go to its first child."""
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and not node.is_expanded:
            node.expand()
        elif node.is_expanded and node.children:
            self._put_cursor(node.children[0])

    def cursor_to_end(self, last: bool) -> None:
        """g / G: the first or the last line."""
        if self.last_line >= 0:
            self.cursor_line = self.last_line if last else 0
            self.scroll_to_line(self.cursor_line)

    def collapse_everything(self) -> None:
        """Close every open level; the cursor goes to the top-level node it was under."""
        node = self.cursor_node
        while node is not None and node.parent is not None and not node.parent.is_root:
            node = node.parent
        for child in self.root.children:
            child.collapse_all()
        if node is not None and not node.is_root:
            self._put_cursor(node)

    def _put_cursor(self, node: TreeNode[NodeData]) -> None:
        _ = self.last_line  # rebuild the line index so the node's line is current
        self.move_cursor(node)
        self.scroll_to_node(node, animate=False)

    # ----- jumping

    async def select_secret(self, name: str, key: str | None = None) -> bool:
        """Open the levels down to secret `name` and put the cursor on it (or on one of its keys
        once they are shown). False if the name is not in the index."""
        route = self.index.route(name)
        if route is None:
            return False
        node = self.root
        for entry in route:
            await self.sync_level(node)
            child = next((c for c in node.children if c.data is not None and c.data.key == entry.key), None)
            if child is None:
                return False
            if entry.kind != EntryKind.SECRET:
                child.expand()
            node = child
        if key is not None:
            key_node = next((c for c in node.children if c.data is not None and c.data.secret_key == key), None)
            node = key_node or node
        _ = self.last_line  # rebuild the line index so the node's line is current
        self.move_cursor(node)
        self.scroll_to_node(node, animate=False)
        return True

    def cursor_path(self) -> list[str]:
        """The keys from the top to the cursor node, to find it again after a refresh."""
        keys = []
        node = self.cursor_node
        while node is not None and not node.is_root and node.data is not None:
            keys.append(node.data.key)
            node = node.parent
        return list(reversed(keys))

    async def restore_cursor(self, keys: list[str]) -> None:
        """Put the cursor back on the node with these keys, or as deep as still exists."""
        node = self.root
        for key in keys:
            if node.data is not None and node.data.kind in (NodeKind.GROUP, NodeKind.BUCKET):
                await self.sync_level(node)
            child = next((c for c in node.children if c.data is not None and c.data.key == key), None)
            if child is None:
                break
            node = child
        if not node.is_root:
            _ = self.last_line
            self.move_cursor(node)
