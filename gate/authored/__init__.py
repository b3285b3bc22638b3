"""Which lines of the release an AI wrote, and what those lines do.

:mod:`gate.authored.attribute` maps the commits an assistant marked, git-ai notes
(``refs/notes/ai``) and Agent Trace records (``.agent-trace/traces.jsonl``) to the line
ranges they wrote that survive at HEAD; :mod:`gate.authored.review` runs Semgrep (aigate's own
rules, offline) and Bandit over the files that hold such lines, and keeps only the findings and
the network egress on those lines. The result rides on each assistant component
(``properties.assistant.authored``), so the policy, the reports and the BOM read it there.
"""
