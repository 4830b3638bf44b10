"""Keep the compiled page templates between builds, and compile them ahead.

Every sphinx-build process compiles the theme's Jinja templates again
(pydata-sphinx-theme and sphinx-book-theme: about forty files, the sidebar and
header pieces rendered once per page); compiling them is most of the cost of
writing the first page, a third of a second on two cores, paid again by every
`make html`, every save under `make live` and every test build. Jinja's own
bytecode cache stores each compiled template under its name and a checksum of
its source, so an edited template is compiled afresh; the cache sits with the
doctrees, one folder per builder (the HTML and EPUB builders configure Jinja
differently), and `make clean` removes it with them; in REPORT_CACHE_DIR
when that is set (report.filecache).

A build that finds that folder empty (a clean build) has the templates it
will render compiled by its child process while Sphinx reads
(report.forked): the page, index and search templates, every template they
extend, include or import, and those the theme's options and
``html_sidebars`` name. Jinja writes each file whole under a private name
and renames it, so the build reads either nothing (and compiles that
template itself) or the whole file.
"""

from __future__ import annotations

from jinja2 import FileSystemBytecodeCache, TemplateNotFound, meta

from report import filecache, forked

# The templates a build of pages renders first; the rest are found from them.
ROOTS = ("page.html", "genindex.html", "search.html")


def keep_compiled_templates(app) -> None:
    templates = getattr(app.builder, "templates", None)
    environment = getattr(templates, "environment", None)
    if environment is None:  # builders without Jinja pages (latex, gettext, …)
        return
    folder = filecache.folder(app.doctreedir, f"report-templates/{app.builder.name}")
    environment.bytecode_cache = FileSystemBytecodeCache(str(folder))
    if not any(folder.iterdir()):
        forked.schedule(app, lambda: compile_ahead(templates, named_templates(app)))


def named_templates(app) -> set[str]:
    """Templates the theme's options, its sidebars and html_sidebars name
    ("navbar-logo", "sbt-sidebar-nav.html", "a.html, b.html")."""
    builder, theme = app.builder, getattr(app.builder, "theme", None)
    options = theme.get_options(getattr(builder, "theme_options", {})) if theme else {}
    values = [*options.values(), *(app.config.html_sidebars or {}).values(),
              list(getattr(theme, "sidebar_templates", ()))]
    names = set()
    for value in values:
        parts = value.split(",") if isinstance(value, str) else value if isinstance(value, list) else []
        for part in parts:
            name = part.strip() if isinstance(part, str) else ""
            if name and not any(mark in name for mark in " /:"):
                names.add(name if name.endswith(".html") else f"{name}.html")
    return names


def compile_ahead(templates, named: set[str]) -> None:
    """Compile ROOTS, NAMED and everything they refer to by name, into the
    bytecode cache; a name that is no template is passed over."""
    environment = templates.environment
    todo, seen = [*ROOTS, *sorted(named)], set()
    while todo:
        name = todo.pop(0)
        if name in seen:
            continue
        seen.add(name)
        try:
            source = templates.get_source(environment, name)[0]
        except TemplateNotFound:
            continue
        environment.get_template(name)
        todo += [ref for ref in meta.find_referenced_templates(environment.parse(source)) if ref]


def setup(app):
    app.setup_extension("report.forked")
    app.connect("builder-inited", keep_compiled_templates)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
