"""The report's local Sphinx extension: one module a job.

conf.py lists each module by name (``report.sections``, ``report.hangul`` …), so
a reader sees from there which custom behaviour the build has.
"""
