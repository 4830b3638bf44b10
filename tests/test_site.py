"""The website does what readers of a hosted report expect (docs/website.md).

Two kinds of checks. The first read the built HTML: sharing metadata, the
canonical URL, sitemap.xml, the 404 page, "last updated", previous/next links,
`lang`, `rel="noopener"`, and what every page references. The second drive a
real browser (Debian's Chromium through Playwright, marked requires_browser)
against the built site served on 127.0.0.1 under the base URL's path, as the
host serves it: search, downloads, console errors, every request the pages
make, axe-core, keyboard use, print, page weight and screenshots.

The browser checks use the site as `make book` publishes it, with the PDF and
EPUB beside it (the session's `html_dir`, served by the `server` fixture).
Screenshots and the printed chapter go to a temporary folder (or
$REPORT_SCREENSHOTS_DIR) for people to look at.
"""

from __future__ import annotations

import gzip
import re
import shutil
import unicodedata
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from lxml import etree, html
from PIL import Image
from pypdf import PdfReader

from helpers import (DASHES, HANGUL, IN_CI, REPORT, ROOT, SLUG, SOURCE_DATE_EPOCH, SPLIT_WORDS, Quiet, Recorder,
                     goto, listening, make, pages_of, serve, tab, visit)

BASE_URL = REPORT["base_url"]
BASE_PATH = urlsplit(BASE_URL).path  # "/en/latest/": the site is served there
CHAPTER = "chapters/02-current-state.html"  # the page weighed, shot and printed
WEIGHT_LIMIT = 450 * 1024  # bytes, gzip, one chapter page with everything it loads
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
NOT_PAGES = ("search.html", "genindex.html", "404.html")


def reading_pages(site: Path) -> list[str]:
    return [p for p in pages_of(site) if p not in NOT_PAGES]


def target_of(page: str, href: str) -> str:
    """The site-relative file a link on PAGE points at."""
    path = urlsplit(href).path
    if path.startswith("/"):
        return unquote(path).removeprefix(BASE_PATH)
    return str(Path(urljoin("/" + page, unquote(path)))).lstrip("/")


def parse(site: Path, page: str):
    return html.parse(str(site / page))


def meta(tree, key: str) -> str | None:
    found = tree.xpath(f"//meta[@property='{key}' or @name='{key}']/@content")
    return found[0] if found else None


# -- The built HTML ------------------------------------------------------------------

def test_every_page_has_sharing_metadata(html_dir: Path) -> None:
    """OpenGraph and Twitter card tags, with a card image the site ships."""
    problems = []
    for page in reading_pages(html_dir):
        tree = parse(html_dir, page)
        url = BASE_URL + page
        want = {"og:title": None, "og:type": "website", "og:url": url, "og:site_name": REPORT["title"],
                "og:description": None, "og:image": BASE_URL + "_static/card.png", "og:image:alt": None,
                "og:image:width": "1200", "og:image:height": "630",
                "twitter:card": "summary_large_image", "description": None}
        for key, value in want.items():
            got = meta(tree, key)
            if not got or (value is not None and got != value):
                problems.append(f"{page}: {key} is {got!r}, expected {value or 'a value'!r}")
        description = meta(tree, "og:description") or ""
        # sphinxext-opengraph's own spacing gives "한미동맹( Hanmi" (report.site).
        if re.search(r"\(\s|\s\)|\[\s", description):
            problems.append(f"{page}: og:description has stray spaces: {description!r}")
        if meta(tree, "description") != description:
            problems.append(f"{page}: <meta name=description> differs from og:description")
    assert not problems, "\n".join(problems)
    with Image.open(html_dir / "_static" / "card.png") as card:
        assert card.size == (1200, 630) and card.format == "PNG"


def test_every_page_has_its_canonical_url(html_dir: Path) -> None:
    problems = []
    for page in pages_of(html_dir):
        if page == "404.html":  # served at any missing URL: it has no URL of its own
            continue
        canonical = parse(html_dir, page).xpath("//link[@rel='canonical']/@href")
        if canonical != [BASE_URL + page]:
            problems.append(f"{page}: canonical {canonical}, expected {BASE_URL + page}")
    assert not problems, "\n".join(problems)


def test_sitemap_lists_every_reading_page(html_dir: Path) -> None:
    tree = etree.parse(str(html_dir / "sitemap.xml"))
    locs = tree.xpath("//s:url/s:loc/text()", namespaces={"s": "http://www.sitemaps.org/schemas/sitemap/0.9"})
    assert sorted(locs) == sorted(BASE_URL + p for p in reading_pages(html_dir))
    for loc in locs:
        assert (html_dir / loc.removeprefix(BASE_URL)).is_file(), loc


def test_404_page_works_at_any_depth(html_dir: Path) -> None:
    """It is read at addresses unknown when it is built (report.notfound): no
    style sheet or script is named in its markup, where the browser would
    fetch it before the base address is set; the script that sets it knows the
    hosted path; its links are relative to the site's root and resolve."""
    text = (html_dir / "404.html").read_text(encoding="utf-8")
    tree = parse(html_dir, "404.html")
    assert "Page not found" in tree.findtext(".//title")
    assert not tree.xpath("//link[@rel='stylesheet' or @rel='preload']/@href | //script/@src")
    scripts = tree.xpath("//head/script/text()")
    assert scripts and f'var prefix = "{BASE_PATH}"' in scripts[0] and "<base href" in scripts[0]
    assert text.index("<base href") < text.index('"_static/')
    refs = tree.xpath("//nav//a/@href | //article//a/@href | //article//form/@action")
    local = [r for r in refs if not urlsplit(r).netloc and not r.startswith("#")]
    assert local and not [r for r in local if r.startswith("/")], local
    for ref in local:
        assert (html_dir / unquote(urlsplit(ref).path)).is_file(), ref


def expected_date() -> str:
    """The date the build was given (SOURCE_DATE_EPOCH, as the Makefile chooses it)."""
    return datetime.fromtimestamp(SOURCE_DATE_EPOCH, timezone.utc).strftime("%d %B %Y")


def test_every_page_says_when_it_was_last_updated(html_dir: Path) -> None:
    want = expected_date()
    for page in reading_pages(html_dir):
        footer = " ".join(parse(html_dir, page).xpath("string(//footer[contains(@class,'bd-footer-content')])").split())
        match = re.search(r"Last updated on (\d{1,2} \w+ \d{4})", footer)
        assert match, f"{page}: no 'Last updated on' in the footer: {footer!r}"
        assert match[1] == want, f"{page}: last updated {match[1]}, expected {want} (SOURCE_DATE_EPOCH)"


def test_previous_and_next_links_follow_the_reading_order(html_dir: Path) -> None:
    index = parse(html_dir, "index.html")
    order = ["index.html"] + [
        h for h in index.xpath("//nav[contains(@class,'bd-docs-nav')]//li[contains(@class,'toctree-l1')]/a/@href")
        if not h.startswith("#") and h != "#"
    ]
    order = list(dict.fromkeys(h.split("#")[0] for h in order))
    forward, page = [], "index.html"
    while page and len(forward) <= len(order):
        forward.append(page)
        nxt = parse(html_dir, page).xpath("//a[contains(@class,'right-next')]/@href")
        page = target_of(page, nxt[0]) if nxt else None
    assert forward == order, f"following 'Next' gives {forward}, the contents say {order}"
    for earlier, later in zip(order, order[1:]):
        prev = parse(html_dir, later).xpath("//a[contains(@class,'left-prev')]/@href")
        assert prev and target_of(later, prev[0]) == earlier, later


def test_language_is_marked(html_dir: Path) -> None:
    """<html lang> is the edition's language; every run of Hangul sits in lang="ko"."""
    problems = []
    for page in pages_of(html_dir):
        tree = parse(html_dir, page)
        root_lang = tree.getroot().get("lang")
        if root_lang != REPORT["language"]:
            problems.append(f"{page}: <html lang={root_lang!r}>")
        for text in tree.xpath("//body//text()[not(ancestor::script)]"):
            if HANGUL.search(text):
                langs = text.getparent().xpath("ancestor-or-self::*[@lang][1]/@lang")
                if langs[:1] != ["ko"] and REPORT["language"] != "ko":
                    problems.append(f"{page}: Hangul outside lang='ko': {text.strip()[:40]!r}")
    assert not problems, "\n".join(problems[:30])


def test_external_links_carry_noopener(html_dir: Path) -> None:
    problems, seen = [], 0
    for page in pages_of(html_dir):
        for a in parse(html_dir, page).xpath("//a[@href]"):
            if urlsplit(a.get("href")).netloc:
                seen += 1
                if "noopener" not in (a.get("rel") or "").split():
                    problems.append(f"{page}: {a.get('href')} has rel={a.get('rel')!r}")
    assert seen, "no external link found to check"
    assert not problems, "\n".join(problems)


def test_pages_load_nothing_from_other_sites(html_dir: Path) -> None:
    """Every script, style sheet, font, icon and image is the site's own."""
    problems = []
    query = "//script/@src | //link[not(@rel='canonical') and not(@rel='alternate')]/@href | //img/@src | //source/@srcset"
    for page in pages_of(html_dir):
        for ref in parse(html_dir, page).xpath(query):
            if urlsplit(ref).scheme in {"http", "https"} or ref.startswith("//"):
                problems.append(f"{page}: {ref}")
    assert not problems, "\n".join(problems)
    for css in (html_dir / "_static").rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?(https?:|//)", css.read_text(encoding="utf-8", errors="replace")):
            problems.append(f"{css.relative_to(html_dir)}: url({url}…)")
    assert not problems, "\n".join(problems)


def test_every_image_has_alt_text_and_fontawesome_js_is_gone(html_dir: Path) -> None:
    for page in pages_of(html_dir):
        tree = parse(html_dir, page)
        for img in tree.xpath("//img"):
            assert (img.get("alt") or "").strip(), f"{page}: <img src={img.get('src')}> has no alt text"
        assert not tree.xpath("//script[contains(@src,'fontawesome.js')]"), page


def test_landing_page_shows_the_cover(html_dir: Path) -> None:
    img = parse(html_dir, "index.html").xpath("//article//figure[contains(@class,'report-cover')]/img")
    assert img, "no cover on the landing page"
    with Image.open(html_dir / img[0].get("src")) as cover:
        assert cover.size == (int(img[0].get("width")), int(img[0].get("height")))
    assert "Cover" in img[0].get("alt")


@pytest.mark.slow
def test_download_links_appear_only_with_their_files(tmp_path: Path, epub_file: Path, html_dir: Path,
                                                    builddir: Path) -> None:
    """A bare `make html` links no file it lacks; once the EPUB is built, the
    next `make html` links it from every page and ships the same bytes. The
    builds start from a copy of the session's doctree cache (the sources are
    read already; every page is written anew, scripts/build.py)."""
    shutil.copytree(builddir / "doctrees", tmp_path / "doctrees")
    result = make("html", ROOT, tmp_path)
    assert result.returncode == 0, result.output[-3000:]
    site = tmp_path / "html"
    assert not (site / "downloads").exists()
    assert not parse(site, CHAPTER).xpath("//a[contains(@href,'downloads/')]")

    (tmp_path / "epub").mkdir()
    shutil.copy(epub_file, tmp_path / "epub" / epub_file.name)
    result = make("html", ROOT, tmp_path)
    assert result.returncode == 0, result.output[-3000:]
    shipped = site / "downloads" / f"{SLUG}-{REPORT['version']}.epub"
    assert shipped.read_bytes() == epub_file.read_bytes()
    assert not list((site / "downloads").glob("*.pdf"))
    for page in pages_of(site):
        hrefs = set(parse(site, page).xpath("//a[contains(@href,'downloads/')]/@href"))
        targets = {target_of(page, h) for h in hrefs}
        assert targets == {f"downloads/{shipped.name}"}, f"{page}: download links {hrefs}"


# -- In a browser -------------------------------------------------------------------

@pytest.fixture(scope="session")
def visits(browser, server: str, html_dir: Path, axe):
    """Each page of the site visited once, in light and in dark mode for two of
    them: console errors, requests and axe-core's violations for each."""
    results, foreign = [], []
    runs = {"light": pages_of(html_dir), "dark": ["index.html", CHAPTER]}
    for scheme, names in runs.items():
        with tab(browser, viewport=VIEWPORTS["desktop"], color_scheme=scheme) as page:
            recorder = Recorder(page.context)
            for page_name in names:
                results.append({"page": page_name, "scheme": scheme,
                                **visit(page, recorder, axe, server + page_name)})
        foreign += recorder.foreign
    return {"pages": results, "foreign": foreign}


@pytest.mark.requires_browser
def test_page_checks_catch_a_planted_page(browser, axe, tmp_path: Path) -> None:
    """The console, network and axe checks fail on a page that breaks each rule.
    The request to another host is recorded and blocked, never sent. The page
    is the second loaded into its tab, as in the site's visits, and what it
    did is not reported for the page loaded after it."""
    (tmp_path / "good.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>Good</title></head><body><main>'
        '<h1>Good</h1></main></body></html>', encoding="utf-8")
    (tmp_path / "bad.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>Planted</title></head><body><main>'
        '<h1>Planted</h1><img src="dot.png">'
        '<img alt="tracker" src="https://tracker.invalid/pixel.png">'
        '<script>console.error("planted error")</script></main></body></html>',
        encoding="utf-8")
    Image.new("RGB", (4, 4), "white").save(tmp_path / "dot.png")
    with tab(browser) as page, serve(tmp_path) as url:
        recorder = Recorder(page.context)
        before, seen, after = (visit(page, recorder, axe, url + name)
                               for name in ("good.html", "bad.html", "good.html"))
    assert not before["errors"] + before["violations"] + after["errors"] + after["violations"], (before, after)
    assert "planted error" in " ".join(seen["errors"])
    assert recorder.foreign == ["https://tracker.invalid/pixel.png"]
    assert any(v.startswith("image-alt") for v in seen["violations"]), seen["violations"]


@pytest.mark.requires_browser
def test_page_loads_wait_for_requests_after_the_load_event(browser, tmp_path: Path) -> None:
    """helpers.goto returns only once the requests a page starts just after its
    load event (here a tenth of a second after) have ended: the checks read
    every request a page makes, not only those before `load`."""
    (tmp_path / "late.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>Late</title></head><body><script>'
        'addEventListener("load", () => setTimeout(() => fetch("late.txt"), 100))'
        '</script></body></html>', encoding="utf-8")
    (tmp_path / "late.txt").write_text("late\n", encoding="utf-8")
    context = browser.new_context()
    recorder = Recorder(context)
    finished = []
    try:
        page = context.new_page()
        page.on("requestfinished", lambda r: finished.append(r.url))
        with serve(tmp_path) as url:
            goto(page, url + "late.html")
            seen = list(finished)
    finally:
        context.close()
    assert url + "late.txt" in seen, (seen, recorder.requests)


@pytest.mark.requires_browser
def test_no_console_errors_on_any_page(visits) -> None:
    bad = [f"{v['page']} ({v['scheme']}): {e}" for v in visits["pages"] for e in v["errors"]]
    assert not bad, "\n".join(bad)
    assert all(v["status"] == 200 for v in visits["pages"]), [(v["page"], v["status"]) for v in visits["pages"]]


@pytest.mark.requires_browser
def test_no_request_leaves_the_site(visits) -> None:
    every = [u for v in visits["pages"] for u in v["requests"]]
    assert len(every) > len(visits["pages"]), "requests were not recorded"
    assert not visits["foreign"], "requests to other hosts:\n" + "\n".join(visits["foreign"])


@pytest.mark.requires_browser
def test_axe_finds_no_serious_or_critical_violation(visits) -> None:
    bad = [f"{v['page']} ({v['scheme']}): {x}" for v in visits["pages"] for x in v["violations"]]
    assert not bad, "\n".join(bad)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORTS["desktop"], accept_downloads=True)
    recorder = Recorder(context)
    page = context.new_page()
    yield page
    context.close()
    assert not recorder.foreign, recorder.foreign


@pytest.mark.requires_browser
def test_search_for_korus_finds_economic_cooperation(page, server: str) -> None:
    """A search hit leads into the section, and following it shows the section."""
    page.goto(server + "search.html?q=KORUS")
    # Sphinx shows hits one by one; read them only once it says it has finished.
    page.wait_for_function(
        "() => (document.querySelector('#search-results .search-summary') || {}).innerText"
        "?.includes('Search finished')", timeout=20_000)
    links = page.eval_on_selector_all("#search-results ul.search li a", "as => as.map(a => a.getAttribute('href'))")
    hits = [h for h in links if h.split("#")[0] == CHAPTER and "#" in h]
    assert hits, f"no result for KORUS links into a section of {CHAPTER}: {links}"
    for href in hits:
        page.goto(server + "search.html?q=KORUS")
        page.click(f"#search-results ul.search li a[href='{href}']")
        page.wait_for_load_state("load")
        landed = page.evaluate("""() => {
            const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
            if (!target) return null;
            const box = target.getBoundingClientRect();
            return {sections: [...document.querySelectorAll('section')].filter(s => s.contains(target)).map(s => s.id),
                    inView: box.top >= 0 && box.top < window.innerHeight};
        }""")
        if landed and "economic-cooperation" in landed["sections"]:
            assert landed["inView"], f"{page.url}: the hit is not scrolled into view"
            assert page.is_visible("section#economic-cooperation > h2")
            return
    pytest.fail(f"no KORUS hit lands in section economic-cooperation: {hits}")


def download_links(page) -> dict[str, dict[str, str]]:
    """The sidebar's and the header menu's download links, by format."""
    links: dict[str, dict[str, str]] = {}
    for where, selector in (("sidebar", ".report-downloads a"), ("header", ".dropdown-report-downloads a")):
        for a in page.query_selector_all(selector):
            kind = "pdf" if "pdf" in (a.get_attribute("class") or "") else "epub"
            links.setdefault(kind, {})[where] = a.get_attribute("href")
    return links


@pytest.mark.requires_browser
def test_downloads_return_the_real_files(page, server: str, html_dir: Path, builddir: Path) -> None:
    built = {"epub": builddir / "epub" / f"{SLUG}.epub", "pdf": builddir / "latex" / f"{SLUG}.pdf"}
    page.goto(server + CHAPTER)
    links = download_links(page)
    for kind, source in built.items():
        if not source.exists():
            assert not IN_CI, f"{source} was not built"
            assert kind not in links, f"a {kind} link without a {kind} file"
            continue
        assert set(links.get(kind, {})) == {"sidebar", "header"}, f"{kind} links: {links.get(kind)}"
        # The sidebar link is a download: the browser saves the very file.
        with page.expect_download() as info:
            page.click(f".report-downloads a.report-download-{kind}")
        download = info.value
        assert Path(download.path()).read_bytes() == source.read_bytes(), f"{kind}: different bytes"
        assert download.suggested_filename == f"{SLUG}-{REPORT['version']}.{kind}"
        # The header menu opens from the keyboard and offers the same file.
        page.focus(".dropdown-report-downloads button.dropdown-toggle")
        page.keyboard.press("Enter")
        page.wait_for_selector(".dropdown-report-downloads .dropdown-menu.show", state="visible")
        href = links[kind]["header"]
        response = page.request.get(urljoin(page.url, href))
        assert response.status == 200 and response.body() == source.read_bytes(), href
        page.keyboard.press("Escape")
    # Every page links only files that exist.
    for name in pages_of(html_dir):
        for href in parse(html_dir, name).xpath("//a[contains(@href,'downloads/')]/@href"):
            assert (html_dir / target_of(name, href)).is_file(), f"{name}: {href} points at a missing file"


@pytest.mark.requires_browser
def test_keyboard_reaches_the_text_first(page, server: str) -> None:
    page.goto(server + CHAPTER)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main-content"


@pytest.mark.requires_browser
def test_a_missing_page_gets_the_404_page(page, server: str) -> None:
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 and r.request.resource_type != "document" else None)
    response = goto(page, server + "chapters/no-such-page.html")
    assert response.status == 404
    assert "Page not found" in page.title()
    assert not failed, failed
    # Styled by the theme, not a bare page.
    assert page.is_visible("#pst-primary-sidebar")


# The 404 page is served for any missing address (report.notfound): by the
# host under the edition's path, and by any server of the build folder at /.
MISSING = ("chapters/no-such-folder/no-such-page.html", "404.html")
STYLED = """() => {
  const sheets = [...document.querySelectorAll("link[rel=stylesheet]:not([media=print])")];
  return sheets.length >= 5 && sheets.every(l => l.sheet && l.sheet.cssRules.length > 0);
}"""


def notfound_problems(browser, site: Path, base_path: str) -> list[str]:
    """What goes wrong with SITE's 404.html served under BASE_PATH, read at a
    missing address two folders down and as itself: a console error (but the
    missing address's own status), a failed request, a style sheet not
    applied, no way to the first page or the search, no language switch."""
    problems = []
    with tab(browser, viewport=VIEWPORTS["desktop"]) as page, serve(site, base_path) as url:
        recorder = Recorder(page.context)
        for path in MISSING:
            address, where = url + path, f"{site.name}/404.html at {base_path}{path}"
            errors, failed = [], []
            with listening(page, console=lambda m, a=address: errors.append(m.text)
                           if m.type == "error" and m.location.get("url") != a else None,
                           pageerror=lambda e: errors.append(str(e)),
                           response=lambda r: failed.append(r.url)
                           if r.status >= 400 and r.request.resource_type != "document" else None):
                response = goto(page, address)
                expected = 200 if path == "404.html" else 404
                if response.status != expected:
                    problems.append(f"{where}: status {response.status}")
                problems += [f"{where}: console error {e}" for e in errors]
                problems += [f"{where}: failed request {f}" for f in failed]
                if not page.evaluate(STYLED):
                    problems.append(f"{where}: style sheets not applied")
                links = page.evaluate("""() => ({
                  home: document.querySelector("article a.report-notfound-home")?.href,
                  search: document.querySelector("article form[role=search]")?.action,
                  editions: [...document.querySelectorAll(".report-language a[hreflang]")].length})""")
                if links["home"] != url + "index.html":
                    problems.append(f"{where}: the way home is {links['home']}")
                if links["search"] != url + "search.html":
                    problems.append(f"{where}: the search goes to {links['search']}")
                if links["editions"] != 1:
                    problems.append(f"{where}: no language switch")
    return problems + [f"{site.name}/404.html: request to another host {u}" for u in recorder.foreign]


@pytest.mark.requires_browser
@pytest.mark.parametrize("edition", ["html_dir", "ko_html_dir"])
@pytest.mark.parametrize("at", ["hosted", "root"])
def test_404_page_is_styled_wherever_it_is_served(browser, request, edition: str, at: str) -> None:
    """Under the hosted path (/en/latest/, /ko/latest/) and at / (`python -m
    http.server` in the website's folder), at a missing address and as itself."""
    site = request.getfixturevalue(edition)
    language = "ko" if edition.startswith("ko") else REPORT["language"]
    hosted = REPORT["base_url"] if language == REPORT["language"] else REPORT[language]["base_url"]
    problems = notfound_problems(browser, site, urlsplit(hosted).path if at == "hosted" else "/")
    assert not problems, "\n".join(problems)


def noscript_problems(browser, site: Path, base_path: str, hosted: str) -> list[str]:
    """What a reader with JavaScript off meets on SITE's 404.html at a missing
    address under BASE_PATH: the page's own style sheet not applied (text
    running the window's full width), or no link to HOSTED's first page."""
    context = browser.new_context(viewport=VIEWPORTS["desktop"], java_script_enabled=False)
    try:
        with serve(site, base_path) as url:
            page = context.new_page()
            page.goto(url + MISSING[0], wait_until="load")
            width = page.evaluate("() => document.querySelector('h1').getBoundingClientRect().width")
            links = page.evaluate("() => [...document.querySelectorAll('article a')].map(a => a.href)")
    finally:
        context.close()
    where = f"{site.name}/404.html at {base_path}{MISSING[0]} without JavaScript"
    problems = [] if width <= 700 else [f"{where}: unstyled, the heading is {width:.0f} px wide"]
    return problems + ([] if hosted in links else [f"{where}: no link to {hosted}"])


@pytest.mark.requires_browser
@pytest.mark.parametrize("edition", ["html_dir", "ko_html_dir"])
def test_404_page_reads_without_javascript(browser, request, edition: str) -> None:
    """With scripts off the page cannot learn its base address: it still reads
    as a page (its own inline style) and offers the hosted first page."""
    language = "ko" if edition.startswith("ko") else REPORT["language"]
    hosted = REPORT["base_url"] if language == REPORT["language"] else REPORT[language]["base_url"]
    site = request.getfixturevalue(edition)
    problems = noscript_problems(browser, site, urlsplit(hosted).path, hosted.rstrip("/") + "/")
    assert not problems, "\n".join(problems)


@pytest.mark.requires_browser
def test_noscript_check_catches_a_bare_404_page(browser, html_dir: Path, tmp_path: Path) -> None:
    site = tmp_path / "html"
    shutil.copytree(html_dir, site, ignore=shutil.ignore_patterns("downloads"))
    page = site / "404.html"
    text = page.read_text(encoding="utf-8")
    bare = re.sub(r"<noscript>.*?</noscript>", "", text, flags=re.S)
    assert bare != text, f"{page}: no <noscript> found"
    page.write_text(bare, encoding="utf-8")
    problems = noscript_problems(browser, site, BASE_PATH, BASE_URL.rstrip("/") + "/")
    assert any("unstyled" in p for p in problems), problems
    assert any("no link to" in p for p in problems), problems


@pytest.mark.requires_browser
@pytest.mark.parametrize("defect, base_path", [
    # Relative links without the base: they resolve against the missing address.
    (("document.write('<base href=\"' + base + '\">');", ""), BASE_PATH),
    # sphinx-notfound-page's absolute /en/latest/ links, served at /.
    (('"_static/', f'"{BASE_PATH}_static/'), "/"),
])
def test_404_check_catches_a_page_styled_only_at_one_address(browser, html_dir: Path, tmp_path: Path,
                                                             defect: tuple[str, str], base_path: str) -> None:
    site = tmp_path / "html"
    shutil.copytree(html_dir, site, ignore=shutil.ignore_patterns("downloads"))
    page = site / "404.html"
    text = page.read_text(encoding="utf-8")
    old, new = defect
    assert old in text, f"{page}: {old!r} not found"
    page.write_text(text.replace(old, new), encoding="utf-8")
    problems = notfound_problems(browser, site, base_path)
    assert any(p.startswith(f"html/404.html at {base_path}{MISSING[0]}: failed request") for p in problems), problems
    assert any("style sheets not applied" in p for p in problems), problems


@pytest.mark.requires_browser
def test_icons_show_without_fontawesome_js(page, server: str) -> None:
    """The theme's icons come from its Font Awesome webfont (docs/website.md)."""
    goto(page, server + CHAPTER)
    page.evaluate("document.fonts.ready.then(() => true)")
    assert page.evaluate("document.fonts.check('900 16px \"Font Awesome 7 Free\"')")
    glyph = page.evaluate("""() => getComputedStyle(
        document.querySelector('.article-header-buttons .fa-solid, .header-article-items .fa-solid'), '::before').content""")
    assert glyph not in ("none", "normal", ""), glyph


# What is wrong with the page shown on a phone: wider than the screen (it
# scrolls sideways), or a part of a previous or next link (its arrow, its
# title) outside the link or the screen.
PHONE_PROBLEMS = r"""() => [
  ...(document.documentElement.scrollWidth > innerWidth
      ? [`the page is ${document.documentElement.scrollWidth} px wide`] : []),
  ...[...document.querySelectorAll('.prev-next-area a')].flatMap(a => {
  const found = [], box = a.getBoundingClientRect();
  for (const part of a.querySelectorAll('i, .prev-next-title')) {
    const r = part.getBoundingClientRect(), name = part.tagName === 'I' ? 'its arrow' : 'its title';
    if (r.left < 0 || r.right > innerWidth || r.left < box.left - 0.5 || r.right > box.right + 0.5)
      found.push(`${a.className}: ${name} at ${Math.round(r.left)}-${Math.round(r.right)} px, the link at `
                 + `${Math.round(box.left)}-${Math.round(box.right)} px`);
  }
  return found;
})]"""


def phone_problems(page, url: str, theme_only: bool = False, plant: str = "") -> list[str]:
    # The load event comes after every style sheet; the icon font is waited
    # for. No requests are checked here, so no quiet network (helpers.goto).
    page.goto(url, wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    if theme_only:  # the page without site.css: the theme's own layout
        page.evaluate("document.querySelector('link[href*=\"site.css\"]').disabled = true")
    if plant:
        page.add_style_tag(content=plant)
    # A word of a link's title broken inside (a break at a hyphen or a dash is between words).
    split = page.evaluate(SPLIT_WORDS, [".prev-next-area a .prev-next-title", DASHES])
    return page.evaluate(PHONE_PROBLEMS) + [f"a previous or next title: {word} broken across lines" for word in split]


@pytest.fixture(scope="module")
def narrow_tab(browser):
    """A tab as wide as the narrowest phone the site is read on."""
    with tab(browser, viewport={"width": 320, "height": 640}) as page:
        yield page


@pytest.mark.requires_browser
@pytest.mark.parametrize("edition", ["html_dir", "ko_html_dir"])
def test_every_page_fits_a_narrow_phone(narrow_tab, request, edition: str) -> None:
    """At 320 px no page of either edition scrolls sideways, and every page's
    previous and next links show their arrows and titles whole (site.css)."""
    site = request.getfixturevalue(edition)
    with serve(site) as url:
        problems = [f"{name}: {problem}" for name in pages_of(site)
                    for problem in phone_problems(narrow_tab, url + name)]
    assert not problems, "\n".join(problems)


@pytest.mark.requires_browser
def test_phone_check_sees_the_themes_own_layout(narrow_tab, html_dir: Path) -> None:
    """Without site.css, the theme's layout fails the check above on a chapter
    with a long title: the heading's permalink makes the page wider than the
    screen, and the next link's arrow lies past its edge. A title broken inside
    a word is named with "/" where it breaks."""
    with serve(html_dir) as url:
        problems = phone_problems(narrow_tab, url + "chapters/03-key-issues.html", theme_only=True)
        # And titles whose words may break anywhere, in a column too narrow for them.
        split = phone_problems(narrow_tab, url + "chapters/03-key-issues.html", plant=(
            ".prev-next-area a .prev-next-title { width: 4em; overflow-wrap: anywhere; }"))
    assert any(p.startswith("the page is") for p in problems), problems
    assert any(p.startswith("right-next: its arrow at") for p in problems), problems
    assert any(p.startswith("a previous or next title:") and "/" in p for p in split), split


@pytest.mark.requires_browser
def test_a_chapter_prints_cleanly(page, server: str, screenshots: Path) -> None:
    goto(page, server + CHAPTER)
    page.emulate_media(media="print")
    for selector in ("#pst-primary-sidebar", ".bd-header-article", ".prev-next-footer", ".report-downloads"):
        assert not page.is_visible(selector), f"{selector} shows in print"
    assert page.is_visible("article.bd-article")
    assert page.is_visible(".report-print-source")
    external = page.query_selector(".bd-article a.reference.external")
    if external:
        after = page.evaluate("a => getComputedStyle(a, '::after').content", external)
        assert external.get_attribute("href") in after
    pdf = screenshots / "chapter-print.pdf"
    page.pdf(path=str(pdf), format="A4")
    # NFKC: the PDF's text has ligatures ("ﬀ") where the page has letters.
    text = unicodedata.normalize("NFKC", " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split()))
    title = page.evaluate("document.querySelector('article h1').textContent").replace("#", "").strip()
    assert title in text
    assert BASE_URL in text.replace(" ", "") or BASE_URL.replace("https://", "") in text.replace(" ", "")
    for screen_only in ("Skip to main content", "Download the report", "Search"):
        assert screen_only not in text, f"{screen_only!r} is printed"


@pytest.mark.requires_browser
def test_chapter_page_weight(browser, server: str, request, capsys) -> None:
    """One chapter page with everything it loads, gzipped as a server would send it."""
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    Recorder(context)
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    quiet = Quiet(page)
    page.goto(server + CHAPTER, wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    quiet.wait()
    rows = []
    for response in responses:
        body = response.body()
        rows.append((len(gzip.compress(body, compresslevel=6)), len(body), response.url.split(BASE_PATH, 1)[-1]))
    context.close()
    raw, packed = sum(r[1] for r in rows), sum(r[0] for r in rows)
    table = "\n".join(f"{p / 1024:8.1f} KiB gz {r / 1024:8.1f} KiB  {u}" for p, r, u in sorted(rows, reverse=True))
    summary = (f"page weight of {CHAPTER}: {len(rows)} files, {raw / 1024:.0f} KiB, "
               f"{packed / 1024:.0f} KiB gzip (limit {WEIGHT_LIMIT // 1024} KiB)")
    # Shown in every run's output, not only on failure.
    with capsys.disabled():
        print(f"\n{summary}\n{table}")
    request.node.user_properties.append(("page_weight_gzip_bytes", packed))
    assert not any("fontawesome.js" in r[2] for r in rows)
    assert packed < WEIGHT_LIMIT, f"{summary}\n{table}"


def picture_problems(shot: Path, viewport: dict[str, int]) -> list[str]:
    """Why SHOT is not the picture of a page a reader would see, if it is not:
    its size, and whether it shows text on a background rather than one colour."""
    problems = []
    with Image.open(shot) as image:
        if image.size != (viewport["width"], viewport["height"]):
            problems.append(f"{image.size}, not the viewport's {viewport}")
        grey = image.convert("L")
        histogram = grey.histogram()
        background = max(histogram) / sum(histogram)
        dark = sum(histogram[:100]) / sum(histogram)  # text and icons on a light page
        if background > 0.97 or dark < 0.003:
            problems.append(f"nearly blank: {background:.1%} one colour, {dark:.2%} dark pixels")
    return problems


def shoot(page, url: str, viewport: dict[str, int], shot: Path) -> None:
    page.set_viewport_size(viewport)
    goto(page, url)
    page.evaluate("document.fonts.ready.then(() => true)")
    page.screenshot(path=str(shot))


@pytest.mark.requires_browser
def test_screenshots(browser, server: str, screenshots: Path) -> None:
    """Landing page and a chapter at desktop and phone widths, for people to look
    at: each the viewport's size, a page with text, and each different."""
    taken = {}
    with tab(browser, device_scale_factor=1) as page:
        Recorder(page.context)
        for device, viewport in VIEWPORTS.items():
            for name, path in (("landing", "index.html"), ("chapter", CHAPTER)):
                shot = screenshots / f"{name}-{device}.png"
                shoot(page, server + path, viewport, shot)
                assert not picture_problems(shot, viewport), (shot, picture_problems(shot, viewport))
                taken[shot.name] = shot.read_bytes()
    assert len(set(taken.values())) == len(taken), "two screenshots are the same picture"


@pytest.mark.requires_browser
def test_screenshot_check_refuses_a_blank_page(browser, tmp_path: Path) -> None:
    """The check above fails on what a broken site would show: a blank page."""
    (tmp_path / "blank.html").write_text("<!DOCTYPE html><html lang='en'><title>x</title><body></body></html>",
                                         encoding="utf-8")
    viewport = VIEWPORTS["phone"]
    with tab(browser, device_scale_factor=1) as page, serve(tmp_path) as url:
        Recorder(page.context)
        shoot(page, url + "blank.html", viewport, tmp_path / "blank.png")
    assert picture_problems(tmp_path / "blank.png", viewport)


def figure_brightness(page, url: str, scheme: str, shot: Path, viewport: str) -> float:
    """Mean brightness (0 black … 1 white) of the timeline figure as shown (the
    wide drawing, or on a phone the one laid out for it)."""
    from PIL import Image, ImageStat

    page.set_viewport_size(VIEWPORTS[viewport])
    page.emulate_media(color_scheme=scheme)
    page.goto(url)
    page.wait_for_load_state("load")
    page.locator("img.report-timeline:visible").screenshot(path=str(shot))
    return ImageStat.Stat(Image.open(shot).convert("L")).mean[0] / 255


@pytest.mark.requires_browser
def test_timeline_figure_follows_dark_mode(browser, server: str, screenshots: Path) -> None:
    """In dark mode the figure is dark as the page is, not a light slab; on a
    desktop screen and on a phone."""
    url = server + "backmatter/timeline.html"
    with tab(browser) as page:
        for viewport in ("desktop", "phone"):
            light = figure_brightness(page, url, "light", screenshots / f"timeline-{viewport}-light.png", viewport)
            dark = figure_brightness(page, url, "dark", screenshots / f"timeline-{viewport}-dark.png", viewport)
            assert light > 0.8 and dark < 0.3, (viewport, light, dark)
