"""The monthly Good-Faith call report: `takedown report` (report.html, report.pdf, escalations.xlsx).

sections.py computes each section from one snapshot (tidy frames), charts.py draws them,
escalations.py holds the call's agenda sheets, html.py and pdf.py render.
"""
