# Coding assistants: who makes the assistants that wrote (or are set up to write) this code,
# which models they run, where they send the code, and which protected files they touched.
#
# An assistant (role code-assistant) carries its facts in properties.assistant (see
# docs/assistants.md): kind (vendor-service | open-source-client | unknown), models,
# endpoints_resolved [{host, operator, country, sources}], commits [{sha, date, author,
# trailer, reviewed_by, paths, paths_total?}], bom_cap when read from a capped BOM. The
# resolver puts each model the assistant uses in its lineage (relation `uses`, depth 1),
# followed by that model's own ancestors (depth 2 and more).
#
# Parameters (data.aigate.params.assistants, filled by the pack):
#   countries:       ISO 3166-1 alpha-2 codes of concern (from the pack's country_lists)
#   lists_text:      the lists they came from (for messages)
#   unknown:         deny | warn | allow - an origin (vendor, model, agent) nobody knows,
#                    and protected paths that a capped BOM could not show
#   protected_paths: gitignore-style globs, relative to the scanned folder, that commits
#                    of an assistant may not touch without a Reviewed-by: trailer
#   history:         deny | warn | info | allow - a git history that was not (fully) read
#                    (--history none, not a git repository, a shallow clone, a BOM that
#                    says nothing of it): no assistant commit is then "unknown", not "none"
#
# The jurisdiction area leaves role code-assistant to this one (its default roles omit it),
# so an assistant is judged once. Rules are array comprehensions: regopy builds `contains`
# sets in quadratic time.
# METADATA
# scope: package
# description: The rules read the coding assistants only (and the whole history).
# custom:
#   input:
#     roles: [code-assistant]
package aigate.rules.assistants

params := data.aigate.params.assistants

countries := {c | some c in params.countries}

# A string made by Python: regopy quotes builtin-made strings inside sprintf.
lists := params.lists_text

# Every rule reads the assistants from this one pass over the components (at 10,000
# components a pass per rule would cost a second).
assistants := [c | some c in input.components; c.role == "code-assistant"]

# A fact of properties.assistant, or a default. Read the payload in place (and iterate
# commits through c.properties.assistant.commits): regopy copies any value a rule or
# function returns, and an assistant with a long history is a large value.
fact(c, key, _) := v if v := c.properties.assistant[key]

fact(c, key, fallback) := fallback if not has_fact(c, key)

has_fact(c, key) if {
	v := c.properties.assistant[key]
	v == v
}

# An agent the discovery catalogue does not know, and no registry file placed either.
unknown_agent(c) if {
	startswith(c.id, "assistant:unknown/")
	not known_country(c.publisher)
}

catalogued(c) if not startswith(c.id, "assistant:unknown/")

open_client(c) if c.properties.assistant.kind == "open-source-client"

# The fields of a party that name a listed country, publisher's own first.
listed_fields(p) := [f | some f in ["country", "parent_country"]; countries[p[f]]]

# METADATA
# title: Coding assistant made in a country of concern
# description: The vendor of a coding assistant that wrote commits in this history, or is set up in this repository, is (or is controlled from) a country on the pack's list.
# custom:
#   id: assistants.vendor-country
#   severity: high
#   regulation: 15 CFR 791.4 (ICTS supply chain, EO 13873); FY2026 NDAA § 1532
#   remediation: Stop using the assistant on this code and remove its config files; review the code its commits changed. A waiver needs the export-control owner's approval.
deny_vendor_country := [f |
	some c in assistants
	fields := listed_fields(c.publisher)
	count(fields) > 0
	field := fields[0]
	country := c.publisher[field]
	f := {
		"component": c.id,
		"msg": vendor_msg(c, field, country),
		"facts": {"fact": sprintf("publisher.%s", [field]), "value": country, "publisher": c.publisher.name, "parent": c.publisher.parent, "sources": c.publisher.sources},
	}
]

vendor_msg(c, field, country) := sprintf("%s is made by %s, in %s (listed: %s)", [c.id, c.publisher.name, country, lists]) if field == "country"

vendor_msg(c, field, country) := sprintf("%s is made by %s, controlled by %s in %s (listed: %s)", [c.id, c.publisher.name, c.publisher.parent, country, lists]) if field == "parent_country"

# METADATA
# title: Coding assistant runs a model of a country of concern
# description: A model the assistant is configured to use, or named in its commits (aider's `aider (<model>)`, Assisted-by AGENT:MODEL, ANTHROPIC_MODEL, ...), or an ancestor of that model, was published by an organisation in, or controlled from, a listed country. For open clients (aider, Continue, Cline, ...) the connected model is the assistant's origin.
# custom:
#   id: assistants.model-country
#   severity: high
#   regulation: 15 CFR 791.4 (ICTS supply chain); FY2026 NDAA § 1532 (covered AI systems)
#   remediation: Configure the assistant with a model whose publisher and lineage are outside the listed countries, and review the code written with this one; or record a waiver.
deny_model_country := [f |
	some c in assistants
	some a in c.lineage
	fields := listed_fields(a.publisher)
	count(fields) > 0
	field := fields[0]
	country := a.publisher[field]
	f := {
		"component": c.id,
		"msg": model_msg(c, a, field, country),
		"facts": {
			"fact": sprintf("lineage[%s].publisher.%s", [a.id, field]), "value": country, "model": a.id,
			"relation": a.relation, "depth": a.depth, "sources": array.concat(a.sources, a.publisher.sources),
		},
	}
]

model_msg(c, a, field, country) := sprintf("%s uses %s (%s), published by %s in %s (listed: %s)", [c.id, a.id, a.name, a.publisher.name, country, lists]) if {
	a.relation == "uses"
	field == "country"
}

model_msg(c, a, field, country) := sprintf("%s uses %s (%s), published by %s, controlled by %s in %s (listed: %s)", [c.id, a.id, a.name, a.publisher.name, a.publisher.parent, country, lists]) if {
	a.relation == "uses"
	field == "parent_country"
}

model_msg(c, a, field, country) := sprintf("%s uses a model derived (%s, depth %d) from %s, published by %s, in or controlled from %s (listed: %s)", [c.id, a.relation, a.depth, a.id, a.publisher.name, country, lists]) if {
	a.relation != "uses"
}

# ---- protected paths

# A pattern as written, and the glob.match pattern with gitignore's meaning:
#   no slash but a trailing one: matches at any depth (`*.pem`, `secrets.py`);
#   a leading slash anchors it to the scanned folder (`/setup.py`);
#   `**/` and `/**/` match zero or more folders (`src/**/keys.py` matches src/keys.py);
#   a match on a folder covers everything inside it (`src/crypto`), and a trailing slash
#   matches folders only (`vendor/`).
# Python (gate/policy/packs.py) refuses malformed globs: glob.match returns false on them.
protected := [{"pattern": p, "glob": to_glob(p)} | some p in params.protected_paths]

# All patterns as one glob (`{a,b,c}`): histories hold tens of thousands of paths, and one
# glob.match per path costs a third of one per path and pattern in regopy.
protected_any := concat("", ["{", concat(",", [g.glob | some g in protected]), "}"])

to_glob(p) := concat("", [depth_prefix(p), zero_folders(strip_slashes(p)), inside(p)])

inside(p) := "/**" if endswith(p, "/")

inside(p) := "{,/**}" if not endswith(p, "/")

strip_slashes(p) := trim_suffix(trim_prefix(p, "/"), "/")

depth_prefix(p) := "" if anchored(p)

depth_prefix(p) := "{,**/}" if not anchored(p)

anchored(p) if startswith(p, "/")

anchored(p) if contains(strip_slashes(p), "/")

zero_folders(body) := replace(concat("", ["{,**/}", substring(body, 3, -1)]), "/**/", "{/,/**/}") if startswith(body, "**/")

zero_folders(body) := replace(body, "/**/", "{/,/**/}") if not startswith(body, "**/")

# A review counts when a Reviewed-by: trailer names someone other than the commit's author.
reviewed(m) if {
	some r in object.get(m, "reviewed_by", [])
	email(r) != email(m.author)
}

email(s) := lower(trim_space(regex.replace(s, "^[^<]*<([^>]*)>.*$", "$1")))

# METADATA
# title: AI-assisted commit touched a protected path without review
# description: "A commit that a coding assistant took part in changed a file under one of the pack's protected_paths, and carries no Reviewed-by trailer from someone other than its author. Read from a capped BOM, only the commits and paths the BOM kept are checked (facts.bom_cap says so)."
# custom:
#   id: assistants.protected-path
#   severity: high
#   regulation: NIST SP 800-218 (PW.7 code review; PO.3 toolchain); NIST AI 600-1 (GAI value chain)
#   remediation: "Have the change reviewed and record it: a Reviewed-by: trailer on the commit before it is merged (git commit --amend --trailer 'Reviewed-by: Name <mail>'), or record a waiver for the assistant."
deny_protected_path := [f |
	count(protected) > 0
	some c in assistants
	may_touch_protected(c)
	bom_cap := fact(c, "bom_cap", null)
	some m in c.properties.assistant.commits
	touches(m.paths, protected_any)
	not reviewed(m)
	paths := [path | some path in m.paths; glob.match(protected_any, ["/"], path)]
	f := {
		"component": c.id,
		"msg": concat("", [c.id, " took part in commit ", substring(m.sha, 0, 12), ", which changed protected ", concat(", ", paths), " without a Reviewed-by: trailer", cap_text(bom_cap)]),
		"facts": {
			"fact": sprintf("properties.assistant.commits[%s].reviewed_by", [m.sha]), "value": object.get(m, "reviewed_by", []),
			"commit": m.sha, "date": object.get(m, "date", null), "author": object.get(m, "author", null), "trailer": object.get(m, "trailer", null),
			"paths": paths, "patterns": [g.pattern | some g in protected; touches(paths, g.glob)], "bom_cap": bom_cap,
		},
		"evidence": [{"file": path, "commit": m.sha} | some path in paths],
	}
]

# path_counts holds every path the assistant's commits touched, usually far fewer than the
# commits' path lists together: when none is protected, no commit needs reading. A capped
# BOM keeps only the most touched paths there, so its commits are always read.
may_touch_protected(c) if {
	not has_fact(c, "bom_cap")
	some path, _ in c.properties.assistant.path_counts
	glob.match(protected_any, ["/"], path)
}

may_touch_protected(c) if has_fact(c, "bom_cap")

may_touch_protected(c) if not has_fact(c, "path_counts")

touches(paths, pattern_glob) if {
	some path in paths
	glob.match(pattern_glob, ["/"], path)
}

cap_text(bom_cap) := "" if bom_cap == null

cap_text(bom_cap) := " (read from a capped BOM: only the commits and paths it kept were checked)" if bom_cap != null

# What a capped BOM hid from the protected-path check: dropped commits, or kept commits
# whose path lists were cut.
cut_commits(c) := [m.sha | some m in c.properties.assistant.commits; object.get(m, "paths_total", 0) > count(m.paths)]

hidden(c) := {"commits_dropped": d, "commits_with_cut_paths": count(cut_commits(c))} if {
	cap := c.properties.assistant.bom_cap
	d := cap.commits_total - cap.commits_kept
	d + count(cut_commits(c)) > 0
}

capped_history := [f |
	count(protected) > 0
	some c in assistants
	h := hidden(c)
	cap := c.properties.assistant.bom_cap
	f := {
		"rule": "assistants.capped-history",
		"component": c.id,
		"msg": sprintf("%s: the BOM keeps %d of %d commits and %d paths per commit (%d commits cut), so protected paths were checked on part of the history only", [c.id, cap.commits_kept, cap.commits_total, cap.commit_paths_max, h.commits_with_cut_paths]),
		"facts": {"fact": "properties.assistant.bom_cap", "value": cap, "hidden": h, "patterns": params.protected_paths},
	}
]

# METADATA
# title: Protected paths not checkable on a capped BOM
# description: The policy was evaluated from a BOM that caps each assistant's history (100 commits, 20 paths per commit), and this assistant's history was cut, so commits touching protected paths may be missing. The pack's `unknown` parameter decides whether that blocks.
# custom:
#   id: assistants.capped-history
#   severity: medium
#   level: warn
#   regulation: NIST SP 800-218 (PW.7 code review)
#   remediation: Run `aigate check` on the source tree (the inventory keeps every commit) instead of on the BOM, or gate each release range (`--history TAG..HEAD`) so the history stays under the cap.
warn_capped_history := capped_history if params.unknown == "warn"

deny_capped_history := capped_history if params.unknown == "deny"

# ---- endpoints

# METADATA
# title: Coding assistant sends code to a country of concern
# description: An assistant config in the repository (ANTHROPIC_BASE_URL, aider openai-api-base, Continue apiBase, ...) points at an endpoint operated from a listed country, so prompts, and the code in them, go there.
# custom:
#   id: assistants.endpoint-country
#   severity: high
#   regulation: 15 CFR 791.4 (ICTS transactions); export-control and data-transfer obligations for source code
#   remediation: Point the assistant at an endpoint operated outside the listed countries and remove the setting from the repository; rotate any keys it used.
warn_endpoint_country := [f |
	some c in assistants
	some e in c.properties.assistant.endpoints_resolved
	countries[e.country]
	f := {
		"component": c.id,
		"msg": sprintf("%s is configured to send requests to %s, operated by %s in %s (listed: %s)", [c.id, e.host, operator_name(e), e.country, lists]),
		"facts": {"fact": sprintf("properties.assistant.endpoints_resolved[%s].country", [e.host]), "value": e.country, "host": e.host, "sources": [source_of(s) | some s in e.sources]},
		"evidence": config_evidence(c),
	}
]

operator_name(e) := e.operator if e.operator != null

operator_name(e) := "an unknown operator" if e.operator == null

# endpoints_resolved sources are "<source>: <detail>" strings.
source_of(s) := {"source": substring(s, 0, i), "detail": substring(s, i + 2, -1)} if {
	i := indexof(s, ": ")
	i > 0
}

source_of(s) := {"source": s, "detail": ""} if indexof(s, ": ") <= 0

config_evidence(c) := [{"file": e.file, "line": e.line} | some e in c.evidence; e.kind == "assistant-config"]

# ---- unknown origin

unknown_origin := array.concat(array.concat(array.concat(unknown_vendor, unknown_client), unknown_model), unknown_endpoint)

# A vendor-run assistant the catalogue knows, but not where its vendor is.
unknown_vendor := [f |
	some c in assistants
	catalogued(c)
	not open_client(c)
	not known_country(c.publisher)
	f := {
		"rule": "assistants.unknown-country",
		"component": c.id,
		"msg": sprintf("%s: the vendor's country is unknown (%s)", [c.id, vendor_name(c)]),
		"facts": {"fact": "publisher.country", "value": null},
	}
]

known_country(p) if p.country != null

vendor_name(c) := c.publisher.name if c.publisher != null

vendor_name(c) := "no vendor known" if c.publisher == null

# An open client's origin is its model: none known means the origin is unknown.
unknown_client := [f |
	some c in assistants
	open_client(c)
	count([a | some a in c.lineage; a.relation == "uses"]) == 0
	f := {
		"rule": "assistants.unknown-country",
		"component": c.id,
		"msg": concat("", [c.id, " is an open client whose origin is the model it is connected to, and no model is known (", models_text(c), ")"]),
		"facts": {"fact": "lineage[uses]", "value": null, "models": fact(c, "models", [])},
	}
]

models_text(c) := concat("", ["named but not identified: ", concat(", ", fact(c, "models", []))]) if count(fact(c, "models", [])) > 0

models_text(c) := "no config or commit names one" if count(fact(c, "models", [])) == 0

# A model the assistant uses whose publisher country nobody knows.
unknown_model := [f |
	some c in assistants
	some a in c.lineage
	a.relation == "uses"
	not known_country(a.publisher)
	f := {
		"rule": "assistants.unknown-country",
		"component": c.id,
		"msg": sprintf("%s uses %s (%s), whose publisher's country is unknown", [c.id, a.id, a.name]),
		"facts": {"fact": sprintf("lineage[%s].publisher.country", [a.id]), "value": null, "model": a.id, "sources": a.sources},
	}
]

# An endpoint a config sends prompts (and the code in them) to, whose country nobody knows:
# a corporate proxy is the common case, and a registry file entry settles it.
unknown_endpoint := [f |
	some c in assistants
	some e in c.properties.assistant.endpoints_resolved
	e.country == null
	f := {
		"rule": "assistants.unknown-country",
		"component": c.id,
		"msg": sprintf("%s is configured to send requests to %s, operated by %s in no known country", [c.id, e.host, operator_name(e)]),
		"facts": {"fact": sprintf("properties.assistant.endpoints_resolved[%s].country", [e.host]), "value": null, "host": e.host},
		"evidence": config_evidence(c),
	}
]

# METADATA
# title: Coding assistant origin unknown
# description: Nothing aigate knows says where the assistant's vendor is, which model an open client (aider, Continue, Cline, ...) is connected to, where a model it uses comes from, or who runs the endpoint a config points it at. The pack's `unknown` parameter decides whether that blocks.
# custom:
#   id: assistants.unknown-country
#   severity: medium
#   level: warn
#   regulation: 15 CFR 791.4 (due diligence on origin)
#   remediation: Name the model in the assistant's config (aider `model:`, Continue `models`), add the vendor, model or endpoint host to a registry file (--registry) with its country and a source, or record a waiver.
warn_unknown_country := unknown_origin if params.unknown == "warn"

deny_unknown_country := unknown_origin if params.unknown == "deny"

unknown_agents := [f |
	some c in assistants
	unknown_agent(c)
	f := {
		"rule": "assistants.unknown-agent",
		"component": c.id,
		"msg": concat("", [c.id, ": an agent the catalogue does not know (", agent_seen(c), "); where its vendor is, is unknown"]),
		"facts": {"fact": "properties.assistant.product", "value": fact(c, "product", c.name), "models": fact(c, "models", [])},
	}
]

agent_seen(c) := concat("", ["set up by ", concat(", ", fact(c, "configs", []))]) if count(fact(c, "configs", [])) > 0

agent_seen(c) := concat("", ["named in ", sprintf("%d", [fact(c, "commit_count", 0)]), " commit(s)"]) if count(fact(c, "configs", [])) == 0

# METADATA
# title: Unknown coding agent
# description: A commit trailer (Assisted-by, Generated-by, Made-with) names an agent the catalogue does not know, or a file set up for many agents (AGENTS.md) does not say which one, so neither its vendor nor its model can be placed. The pack's `unknown` parameter decides whether that blocks.
# custom:
#   id: assistants.unknown-agent
#   severity: medium
#   level: warn
#   regulation: 15 CFR 791.4 (due diligence on origin)
#   remediation: Find out which agent it is and add it to a registry file (--registry, `assistants:` with its vendor), or record a waiver naming the agent and model in use.
warn_unknown_agent := unknown_agents if params.unknown == "warn"

deny_unknown_agent := unknown_agents if params.unknown == "deny"

# ---- history not (fully) read

history := object.get(input.inventory, "history", null)

history_gaps := [t | t := history_gap]

history_gap := "the input says nothing about the git history (a BOM from another tool?), so commits by coding assistants were not looked for" if history == null

history_gap := concat("", ["the git history was not read (", not_read_why, "), so commits by coding assistants were not looked for"]) if {
	history != null
	history.read == false
	object.get(history, "reason", "") != "no commits yet"
}

history_gap := sprintf("this is a shallow clone: only the %d fetched commit(s) were read, so commits by coding assistants may be missing (fetch the full history: actions/checkout fetch-depth: 0, or git fetch --unshallow)", [object.get(history, "commits_read", 0)]) if {
	history != null
	history.read == true
	shallow_or_partial
}

shallow_or_partial if history.shallow == true

shallow_or_partial if history.complete == false

not_read_why := history.reason if history.reason

not_read_why := "--history none" if not history.reason

unread_history := [f |
	some gap in history_gaps
	f := {
		"rule": "assistants.unread-history",
		"msg": gap,
		"facts": {"fact": "inventory.history"},
	}
]

# METADATA
# title: Git history not read
# description: The scan did not read the git history (--history none, not a git repository, a BOM that says nothing of it) or read a shallow clone, so commits written with coding assistants are unknown, not absent. The pack's `history` parameter decides whether that blocks.
# custom:
#   id: assistants.unread-history
#   severity: medium
#   level: warn
#   regulation: NIST SP 800-218 (PO.3 toolchain, PW.7 code review); NIST AI 600-1 (GAI value chain)
#   remediation: Scan a full clone (actions/checkout fetch-depth 0, or git fetch --unshallow) with --history left on, or gate a BOM made that way.
warn_unread_history := unread_history if params.history == "warn"

deny_unread_history := unread_history if params.history == "deny"

info_unread_history := unread_history if params.history == "info"

# ---- AI-authored code (properties.assistant.authored: see gate/authored/)
#
# authored: {lines, files: [{path, model, lines, total, share, ranges, sources, commits}],
# findings: [{rule, engine, severity, category, path, line, end_line, message}],
# egress: [{value, host, path, line, operator, country, heuristic, local, source}]}: only the
# lines an assistant wrote that survive at HEAD, and only what the engines found on them.

authored_files(c) := object.get(object.get(c.properties.assistant, "authored", {}), "files", [])

authored_findings(c) := object.get(object.get(c.properties.assistant, "authored", {}), "findings", [])

authored_egress(c) := object.get(object.get(c.properties.assistant, "authored", {}), "egress", [])

guess_text(e) := " (a guess from the country-code domain)" if e.heuristic

guess_text(e) := "" if not e.heuristic

# METADATA
# title: AI-authored code sends data to a country of concern
# description: A URL or IP literal (or a base-URL setting) on lines a coding assistant wrote, still present at HEAD, points at a host operated from, or registered in, a listed country. A country read from the host's country-code domain is marked as a guess.
# custom:
#   id: assistants.ai-egress-country
#   severity: high
#   regulation: 15 CFR 791.4 (ICTS transactions); export-control and data-transfer obligations
#   remediation: Remove or replace the endpoint and review what the assistant's change sends there; if the host is in fact operated elsewhere, add it to a registry file (--registry) with its operator and country, or record a waiver.
deny_ai_egress_country := [f |
	some c in assistants
	some e in authored_egress(c)
	countries[e.country]
	f := {
		"component": c.id,
		"msg": concat("", [c.id, " wrote ", e.path, ":", sprintf("%d", [e.line]), ", which reaches ", e.host, " (", operator_name(e), ", ", e.country, guess_text(e), "; listed: ", lists, ")"]),
		"facts": {
			"fact": "properties.assistant.authored.egress.country", "value": e.country, "host": e.host,
			"url": e.value, "heuristic": e.heuristic, "operator": e.operator, "source": e.source,
		},
		"evidence": [{"file": e.path, "line": e.line}],
	}
]

# A finding blocks when the assistant's vendor, or a model it uses, is in a listed country,
# or when it sits in a protected path; elsewhere it warns.
finding_blocks(c, _) if count(listed_fields(c.publisher)) > 0

finding_blocks(c, _) if {
	some a in c.lineage
	a.relation == "uses"
	count(listed_fields(a.publisher)) > 0
}

finding_blocks(_, x) if {
	count(protected) > 0
	glob.match(protected_any, ["/"], x.path)
}

ai_finding(c, x) := {
	"component": c.id,
	"msg": concat("", [c.id, " wrote ", x.path, ":", sprintf("%d", [x.line]), ": ", x.message, " (", x.rule, ")"]),
	"facts": {
		"fact": "properties.assistant.authored.findings", "value": x.rule, "engine": x.engine,
		"severity": x.severity, "category": x.category, "line": x.line, "end_line": x.end_line,
	},
	"evidence": [{"file": x.path, "line": x.line}],
}

# METADATA
# title: High-severity finding in AI-authored code
# description: Semgrep (aigate's own rules) or Bandit found something that can hide malice in lines a coding assistant wrote (data sent out, code run from decoded or fetched data, TLS verification off, shell injection, hidden Unicode, hidden instructions in rule files). It blocks when the assistant's vendor or a model it uses is in a listed country, or the file is protected; it warns otherwise.
# custom:
#   id: assistants.ai-code-finding
#   severity: high
#   regulation: NIST SP 800-218 (PW.7 review, PW.8 testing); NIST AI 600-1 (GAI value chain)
#   remediation: Review and fix the lines the finding names; if the code is intended, record a waiver with the reason.
deny_ai_code_finding := [ai_finding(c, x) |
	some c in assistants
	some x in authored_findings(c)
	x.severity == "high"
	finding_blocks(c, x)
]

warn_ai_code_finding := [ai_finding(c, x) |
	some c in assistants
	some x in authored_findings(c)
	x.severity == "high"
	not finding_blocks(c, x)
]

commit_reviewed(c, sha) if {
	some m in c.properties.assistant.commits
	m.sha == sha
	reviewed(m)
}

# Lines known from git-ai notes or Agent Trace records, not from a marked commit (those the
# per-commit rule above judges already): unreviewed when their commit has no review, or when
# the source records none (an Agent Trace record names no commit).
unreviewed_commits(c, e) := [sha | some sha in object.get(e, "commits", []); not commit_reviewed(c, sha)]

unreviewed(c, e) if {
	"git-ai" in e.sources
	count(unreviewed_commits(c, e)) > 0
}

unreviewed(_, e) if "agent-trace" in e.sources

# METADATA
# title: AI-authored lines in a protected path without review
# description: Lines a coding assistant wrote according to a git-ai note or an Agent Trace record, still present at HEAD, sit in a file under one of the pack's protected_paths, and the commit they came from carries no Reviewed-by trailer from someone other than its author (an Agent Trace record names no commit, so no review). Lines of commits an assistant marked are judged per commit by assistants.protected-path.
# custom:
#   id: assistants.ai-lines-protected
#   severity: high
#   regulation: NIST SP 800-218 (PW.7 code review)
#   remediation: Have the lines reviewed and record it with a Reviewed-by trailer, or record a waiver for the assistant.
deny_ai_lines_protected := [f |
	count(protected) > 0
	some c in assistants
	some e in authored_files(c)
	glob.match(protected_any, ["/"], e.path)
	unreviewed(c, e)
	f := {
		"component": c.id,
		"msg": concat("", [c.id, " wrote ", sprintf("%d", [e.lines]), " line(s) of protected ", e.path, " that no one else reviewed"]),
		"facts": {
			"fact": "properties.assistant.authored.files", "value": e.path, "ranges": e.ranges,
			"commits": unreviewed_commits(c, e), "sources": e.sources, "model": e.model,
		},
		"evidence": [{"file": e.path, "line": r[0]} | some r in e.ranges],
	}
]
