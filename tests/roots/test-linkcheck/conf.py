# Sphinx's linkcheck against a local server (tests/test_links.py writes the
# page's links once it knows the server's port).
extensions = ["myst_parser"]
linkcheck_retries = 1
linkcheck_timeout = 10
