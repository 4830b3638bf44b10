"""Keep the compiled page templates between builds.

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
"""

from jinja2 import FileSystemBytecodeCache

from report import filecache


def keep_compiled_templates(app) -> None:
    templates = getattr(app.builder, "templates", None)
    environment = getattr(templates, "environment", None)
    if environment is None:  # builders without Jinja pages (latex, gettext, …)
        return
    folder = filecache.folder(app.doctreedir, f"report-templates/{app.builder.name}")
    environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def setup(app):
    app.connect("builder-inited", keep_compiled_templates)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
