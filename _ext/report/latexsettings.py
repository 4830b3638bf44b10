"""The PDF of each edition: title page, metadata and typography in LaTeX.

Written at ``config-inited`` by report.edition, once the edition's language
and identity are final:

- the title page and the PDF's metadata (title, author, subject, keywords,
  language), for every edition, from the same values, so the two editions
  share one template; and the typography both share (``TYPOGRAPHY``): where a
  URL may break, the ragged-right reference list, the index in the text font;
- the typography for Korean: xetexko (kotex) sets Hangul in Noto Serif CJK KR
  (Noto Sans CJK KR for sans) and everything else in TeX Gyre Pagella, breaks
  lines the Korean way, and takes Korean names for the contents and the
  references. docutils' LaTeX writer knows no Babel name for Korean, so
  Sphinx would warn and fall back to English; the name is supplied here and
  polyglossia is left out (its Korean module would fight xetexko over the
  same character classes); the Korean index is sorted by komkindex.

Every value from report.toml that reaches LaTeX (title page, \\title and
\\author, the PDF's metadata) is escaped with Sphinx's own texescape: it is
text, never markup, so "Peace & Prosperity" prints as written and no value
can run LaTeX commands.

R041  Sphinx's latexmkrc no longer names makeindex as this module expects, so
      the Korean index could not be given to komkindex
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util import texescape

from report.hangul import is_korean

logger = logging.getLogger(__name__)

#: Korean typography (xetexko, from kotex): Hangul in Noto CJK KR, everything
#: else in the Latin fonts, Korean line breaking; [hangul] gives Korean names
#: (차례, 그림, 표) and the leading Korean text needs. Every Latin mark stays in
#: the Latin font (the font regime "latin"; xetexko's default would follow the
#: letter before it, so "Service," got the CJK comma), CJK brackets such as
#: 「」 in the Hangul one. xetexko counts the curly quotes as CJK: in the
#: Hangul font they are full-width and put a space into "it’s", so they are
#: given XeTeX's ordinary character class and set like Latin letters. The CJK
#: fonts have no italic: italic Hangul (captions, titles) stays upright rather
#: than being slanted by machine.
KOREAN_FONTS = r"""
\usepackage[hangul]{kotex}
\setmainfont{TeX Gyre Pagella}
\setsansfont{TeX Gyre Heros}
\setmonofont{DejaVu Sans Mono}[Scale=MatchLowercase]
\setmainhangulfont{Noto Serif CJK KR}[ItalicFont=Noto Serif CJK KR, BoldItalicFont=Noto Serif CJK KR Bold]
\setsanshangulfont{Noto Sans CJK KR}[ItalicFont=Noto Sans CJK KR, BoldItalicFont=Noto Sans CJK KR Bold]
\setmonohangulfont{Noto Sans Mono CJK KR}
\xetexkofontregime{latin}[cjksymbols=hangul]
\AtBeginDocument{\XeTeXcharclass`‘=0 \XeTeXcharclass`’=0 \XeTeXcharclass`“=0 \XeTeXcharclass`”=0 }
"""

#: Chapter heads read "제1장", as Korean books number chapters (fncychap's
#: Bjarne style, Sphinx's default, would print "CHAPTER 1"). The index is
#: sorted by komkindex (kotex's makeindex for Hangul), which heads each group
#: of Hangul entries with \hindexhead{n}, n counting the initial consonants as
#: kotex.ist does; Sphinx's group heading takes one token, so it is given the
#: whole \hindexhead{n}.
KOREAN_PREAMBLE = r"""
% The reference list is Latin but for a few entries: Latin leading, not
% xetexko's Korean 1.3888 (which spread it over 12 pages instead of 9); an
% entry with Hangul keeps the Korean leading (report.latex marks it).
\let\reportkoreanspread\baselinestretch
\AddToHook{env/sphinxthebibliography/begin}{\linespread{1}\selectfont}
\newcommand\reporthangulentry{\linespread{\reportkoreanspread}\selectfont\par
  \linespread{1}\selectfont}
% Units, counters and particles attach to the digits and Latin letters before
% them ("1953년", "2만 8,500명", "FTA를"): xetexko's glue there (a twentieth
% of an em that may stretch) opened a visible gap on justified lines
% ("1953 년"), and it allowed a line break inside the word.
\makeatletter
\def\XeKo@latincjk@modern{\nobreak}\let\XeKo@latincjk\XeKo@latincjk@modern
\makeatother
\renewcommand{\DOCH}{\mghrulefill{\RW}\par\nobreak
  \CNoV 제\thechapter 장\par\nobreak
  \vskip -1\baselineskip\vskip 5pt\mghrulefill{\RW}\par\nobreak
  \vskip 20pt}
\def\hindexhead#1{\ifcase#1ㄱ\or ㄴ\or ㄷ\or ㄹ\or ㅁ\or ㅂ\or ㅅ\or ㅿ\or ㅇ\or ㆁ\or ㅈ\or
  ㅊ\or ㅋ\or ㅌ\or ㅍ\or ㅎ\or ㆆ\or ㅏ\or ㅑ\or ㅓ\or ㅕ\or ㅗ\or ㅛ\or ㅜ\or ㅠ\or
  ㅡ\or ㅣ\or ㆍ\else 종성\fi}
\let\reportlettergroup\sphinxstyleindexlettergroup
\renewcommand\sphinxstyleindexlettergroup[1]{%
  \ifx\hindexhead#1\expandafter\reporthangulgroup\else\reportlettergroup{#1}\fi}
% The head's glyph is the font's for two characters, the letter (ㄱ, U+3131)
% and its halfwidth form (ﾡ, U+FFA1), and the PDF's text layer gave the
% second: a search for ㄱ found no head. Each head carries its own text.
\newcommand\reporthangulgroup[1]{\reportlettergroup{\XeTeXgenerateactualtext=1 \hindexhead{#1}}}
"""
#: Typography of every edition's PDF.
TYPOGRAPHY = r"""
% The text layer carries the letters a ligature stands for: "Office", not
% "O" + U+FB00 (the ff ligature) + "ice", which a search, a copy or a screen
% reader takes for another word. XeTeX gives each run of text its ActualText.
\XeTeXgenerateactualtext=1
% One word space after every full stop: the report's abbreviations ("Inc.",
% "U.S.", "v.") end no sentence, and a wider space there reads as a gap.
\frenchspacing
% No paragraph leaves its last line alone at the top of a page, nor its first
% at the foot (the Executive Summary's last line stood alone on a page).
\widowpenalty=10000 \clubpenalty=10000 \displaywidowpenalty=10000
% Running heads number as the headings do: "4.3 Defense Costs" (fancyhdr's
% own marks add a full stop: "4.3. Defense Costs"); set now, fancyhdr having
% set its own when it was loaded, and again whenever it sets them afresh.
\makeatletter
\newcommand\reportmarks{%
  \def\chaptermark##1{\markboth{\ifnum\c@secnumdepth>\m@ne\thechapter\quad\fi ##1}{}}%
  \def\sectionmark##1{\markright{\ifnum\c@secnumdepth>\z@\thesection\quad\fi ##1}}}
\reportmarks \g@addto@macro\f@nch@initialise{\reportmarks}
\makeatother
% URLs (the reference list's, the footnotes') break where a reader sees that
% the address goes on: after a slash or after "//" (never inside "://"),
% before a full stop, a hyphen or another mark, so that no line ends in what
% reads as a hyphenated word or the end of a sentence. Between two letters or
% digits (url.sty's ordinary "breaks", at a high penalty) only when nothing
% else keeps the address inside the margin. url.sty's classes: a "big break"
% allows a break after the character, and two in a row ("//") none between
% them; a "special" here puts a break before it.
\makeatletter
\def\UrlBigBreaks{\do\/}
\def\UrlBreaks{\do\a\do\b\do\c\do\d\do\e\do\f\do\g\do\h\do\i\do\j\do\k\do\l\do\m
  \do\n\do\o\do\p\do\q\do\r\do\s\do\t\do\u\do\v\do\w\do\x\do\y\do\z
  \do\A\do\B\do\C\do\D\do\E\do\F\do\G\do\H\do\I\do\J\do\K\do\L\do\M
  \do\N\do\O\do\P\do\Q\do\R\do\S\do\T\do\U\do\V\do\W\do\X\do\Y\do\Z
  \do0\do1\do2\do3\do4\do5\do6\do7\do8\do9}
\def\UrlNoBreaks{\do\(\do\[\do\{\do\<\do\:}
\def\reporturlbreakbefore#1{\penalty\UrlBigBreakPenalty\mathchar`#1}
\g@addto@macro\UrlSpecials{%
  \do\.{\reporturlbreakbefore\.}\do\-{\reporturlbreakbefore\-}\do\_{\reporturlbreakbefore\_}%
  \do\?{\reporturlbreakbefore\?}\do\#{\reporturlbreakbefore\#}\do\&{\reporturlbreakbefore\&}%
  \do\={\reporturlbreakbefore\=}\do\,{\reporturlbreakbefore\,}\do\;{\reporturlbreakbefore\;}%
  \do\~{\reporturlbreakbefore\~}}
\mathchardef\UrlBigBreakPenalty=100
\mathchardef\UrlBreakPenalty=9000
% The reference list is set ragged right. LaTeX's thebibliography justifies
% it under \sloppy, which set the words before a long URL one to a line with
% wide gaps. Here a line's slack goes mostly to its right end (up to 3em and
% more only where nothing better exists), and a word is hyphenated only where
% its line would otherwise fall much shorter.
\newcommand\reportbibliographylines{%
  \rightskip\z@ plus 3em\relax \@rightskip\rightskip \parfillskip\z@ plus 1fil\relax
  \pretolerance\m@ne \tolerance 9999\relax \emergencystretch\z@ \hyphenpenalty 1000\relax}
\AddToHook{env/thebibliography/begin}{\let\sloppy\reportbibliographylines}
\makeatother
% The index in the text font (Sphinx sets its entries in \texttt).
\renewcommand*\sphinxstyleindexentry[1]{#1}
"""

#: The title page is page i of the roman front pages and the contents go on
#: from ii: left alone, the title page is "1" and the contents start again at
#: "i", so the PDF's page labels read 1, i, 1, 2 … Sphinx's table of contents
#: calls \pagenumbering{roman} (which restarts at i); that one call is skipped.
TITLE_PAGE_NUMBERING = r"""
\pagenumbering{roman}
\let\reportpagenumbering\pagenumbering
\gdef\pagenumbering#1{\global\let\pagenumbering\reportpagenumbering}
"""

#: makeindex sorts bytes and heads groups with a UTF-8 fragment (an invalid
#: character in the PDF); komkindex sorts Hangul by its letters, before Latin (-k).
MAKEINDEX = "makeindex -s python.ist"
KOMKINDEX = "komkindex -k -s python.ist"


def captions(config: Config) -> str:
    """Names of the contents and the references chapter in the edition's language."""
    names = (rf"\renewcommand{{\contentsname}}{{{_('Contents')}}}"
             rf"\renewcommand{{\bibname}}{{{_('References')}}}")
    if is_korean(config.language):
        # No babel or polyglossia in the Korean edition: plain definitions hold.
        return names
    return rf"\addto\captionsenglish{{{names}}}"


def apply_latex(config: Config, report: dict, edition: dict) -> None:
    """The LaTeX settings of the edition EDITION (report.toml as it sees it)."""
    # Sphinx fills texescape's tables when the LaTeX builder starts, which is
    # after config-inited; filling them twice is harmless.
    texescape.init()

    def tex(text: str) -> str:
        return texescape.escape(str(text), config.latex_engine)

    title, subtitle, author = tex(config.project), tex(config.report_subtitle), tex(config.author)
    information_date = config.myst_substitutions["date_of_information"]
    # Sphinx puts latex_documents' title and author into \title and \author as
    # LaTeX markup, unescaped.
    config.latex_documents = [(start, target, title, author, *rest)
                              for start, target, _title, _author, *rest in config.latex_documents]
    elements = dict(config.latex_elements)
    elements["maketitle"] = TITLE_PAGE_NUMBERING + rf"""
\begin{{titlepage}}\centering\sffamily
  \vspace*{{0.22\textheight}}
  {{\bfseries\Huge {title}\par}}\vspace{{1.2em}}
  {{\Large {subtitle}\par}}\vspace{{0.6em}}
  {{\large {tex(_('A policy report'))}\par}}\vfill
  {{\large {author}\par}}\vspace{{1.5em}}
  {tex(_('Version'))} {tex(config.version)} \quad\textbullet\quad {tex(_('Information as of %s') % information_date)}\par\vspace{{0.8em}}
  {{\small {tex(_('Text licensed %s') % report['licence'])}\par}}
\end{{titlepage}}
\setcounter{{page}}{{2}}
"""
    elements["preamble"] = rf"""
% The first toctree's caption would otherwise become the contents' title.
{captions(config)}
% At the start of the document, so Sphinx's own title setting does not win.
\AtBeginDocument{{\hypersetup{{
  pdftitle={{{title}: {subtitle}}},
  pdfauthor={{{author}}},
  pdfsubject={{{tex(edition['description'])}}},
  pdfkeywords={{{tex(', '.join(report['subjects']))}}},
}}}}
\hypersetup{{pdflang={{{tex(config.language)}}}}}
""" + TYPOGRAPHY
    if is_korean(config.language):
        from docutils.writers.latex2e import Babel

        # docutils' table of Babel names has no Korean; without it Sphinx warns
        # "no Babel option known for language 'ko'" and the -W build fails.
        Babel.language_codes.setdefault("ko", "korean")
        elements["polyglossia"] = ""
        elements["fontpkg"] = KOREAN_FONTS
        elements["preamble"] += KOREAN_PREAMBLE
    config.latex_elements = elements


def use_komkindex(app: Sphinx, exception: Exception | None) -> None:
    """Make latexmk index the Korean edition with komkindex (latexmkrc, which
    Read the Docs' latexmk reads as well as `make latexpdf`)."""
    if exception is not None or app.builder.name != "latex" or not is_korean(app.config.language):
        return
    rc = Path(app.outdir) / "latexmkrc"
    text = rc.read_text(encoding="utf-8")
    if MAKEINDEX not in text:
        # "file:line" (not a docname, which Sphinx would give a source suffix).
        logger.warning(f"R041 no {MAKEINDEX!r} to replace with komkindex; the Korean "
                       "index would be sorted by bytes (has Sphinx's latexmkrc changed?)",
                       location=f"{rc}:1", type="report", subtype="R041")
        return
    rc.write_text(text.replace(MAKEINDEX, KOMKINDEX), encoding="utf-8")


def setup(app: Sphinx):
    app.connect("build-finished", use_komkindex)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
