"""Characters a reader cannot see, and how every output shows them (SPEC "One text").

Bidi controls, zero-width characters, tag characters, soft hyphens, C0/C1
controls (a terminal escape among them) and the like change what a stored
text means without changing what a reader sees, or reorder what they see.
``amend check`` refuses them in a revision (:mod:`amend.dialect`); wherever a
text is shown that was never checked (``amend diff A.md B.md``, a problem
message quoting a file), :func:`show_invisible` writes each as ``⟨U+202E⟩``,
so no output hides it and no terminal receives a raw escape. This module
imports nothing from the rest of amend.
"""

from __future__ import annotations

import unicodedata

# Code points that render as nothing but are letters or marks: Hangul fillers, the combining
# grapheme joiner, the braille blank.
_INVISIBLE_EXTRA = frozenset({0x115F, 0x1160, 0x3164, 0xFFA0, 0x034F, 0x2800})
_CONTROL_NAMES = {
    0x00: "NULL",
    0x07: "BELL",
    0x08: "BACKSPACE",
    0x0D: "CARRIAGE RETURN",
    0x1B: "ESCAPE",
    0x7F: "DELETE",
    0x85: "NEXT LINE",
    0x9B: "CONTROL SEQUENCE INTRODUCER",
}


def is_invisible(char: str) -> bool:
    """A character a reader cannot see, or that reorders what they see (new line and tab excepted)."""
    if char in "\n\t":
        return False
    code = ord(char)
    return (
        unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp")
        or code in _INVISIBLE_EXTRA
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0xE0100 <= code <= 0xE01EF
    )


def char_name(char: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``: the code point and its Unicode name."""
    code = ord(char)
    name = unicodedata.name(char, "") or _CONTROL_NAMES.get(code, "CONTROL CHARACTER" if code < 0xA0 else "")
    return f"U+{code:04X} {name}".rstrip()


def show_invisible(text: str) -> str:
    """``text`` with each invisible or direction-changing character written as ``⟨U+202E⟩``."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(f"⟨U+{ord(c):04X}⟩" if is_invisible(c) else c for c in text)


def show_line(text: str) -> str:
    """One line for a terminal or a log: :func:`show_invisible`, new lines and tabs included."""
    return show_invisible(text).replace("\n", "⟨U+000A⟩").replace("\t", "⟨U+0009⟩")
