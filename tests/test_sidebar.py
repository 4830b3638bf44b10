"""report.sidebar: a sidebar rendered for one page of a folder serves the
others with their own entry marked, exactly as the theme would mark it; what
it cannot mark safely is rendered by the theme again.

When the module was written, every page of both editions and of a
200-chapter book came out byte-identical to the theme's own rendering; here
the marking rules, on the theme's markup.
"""

from __future__ import annotations

import sys

from helpers import ROOT

sys.path.insert(0, str(ROOT / "_ext"))
from report.sidebar import _marked, _unmarked  # noqa: E402

SIDEBAR = """<p class="caption"><span class="caption-text">Front matter</span></p>
<ul class="nav bd-sidenav">
<li class="toctree-l1"><a class="reference internal" href="../frontmatter/about.html">About</a></li>
</ul>
<ul class="{current}nav bd-sidenav">
<li class="toctree-l1"><a class="reference internal" href="00-introduction.html">1. Introduction</a></li>
{second}
</ul>"""
SECOND = '<li class="toctree-l1"><a class="reference internal" href="01-current-state.html">2. Current State</a></li>'
SECOND_CURRENT = ('<li class="toctree-l1 current active"><a class="current reference internal" href="#">'
                  '2. Current State</a></li>')


def test_the_theme_s_marks_come_off_and_go_on_again() -> None:
    as_rendered = SIDEBAR.format(current="current ", second=SECOND_CURRENT)
    neutral = _unmarked(as_rendered, "01-current-state.html")
    assert neutral == SIDEBAR.format(current="", second=SECOND)
    assert _marked(neutral, "01-current-state.html", listed=True) == as_rendered


def test_a_page_the_sidebar_does_not_list_gets_it_unmarked() -> None:
    neutral = SIDEBAR.format(current="", second=SECOND)
    assert _marked(neutral, "search.html", listed=False) == neutral


def test_what_cannot_be_marked_safely_goes_back_to_the_theme() -> None:
    neutral = SIDEBAR.format(current="", second=SECOND)
    # A listed page whose entry is not found, or found twice.
    assert _marked(neutral, "02-missing.html", listed=True) is None
    assert _marked(neutral + "\n" + SECOND, "01-current-state.html", listed=True) is None
    # A second level, or two current entries, is not cached at all.
    assert _unmarked(neutral.replace("toctree-l1", "toctree-l2", 1), "x.html") is None
    two = SIDEBAR.format(current="current ", second=SECOND_CURRENT + SECOND_CURRENT)
    assert _unmarked(two, "01-current-state.html") is None
