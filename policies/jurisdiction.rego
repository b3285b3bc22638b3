# Jurisdiction: where the organisations behind a component are, and where it is served from.
#
# Parameters (data.aigate.params.jurisdiction, filled by the pack):
#   countries: ISO 3166-1 alpha-2 codes of concern (the packs use the 15 CFR 791.4 list)
#   lists:     ids of the regulatory lists the countries came from (for messages)
#   unknown:   deny | warn | allow  - what an unknown country means: of the publisher, of
#              the host a hosted model is served from, of an ancestor's publisher
#   heuristic_lineage: deny | warn | ignore - what a lineage finding resting on a guess
#              means (an ancestor whose link, or publisher, only a name heuristic gave):
#              deny as any other, warn at most, or not reported
#   roles:     component roles whose origin is judged (code-assistant is left to the
#              assistants area, which judges vendor, model and endpoint apart)
#
# Rules are array comprehensions, not `contains` sets: regopy builds sets in quadratic time.
# METADATA
# scope: package
# description: Each rule judges one component at a time from these facts (see docs/policy.md).
# custom:
#   input:
#     per_component: [role, publisher, served_by, lineage.id, lineage.relation, lineage.depth, lineage.publisher, lineage.heuristic, unresolved_endpoints]
#     opaque: [lineage.id]
package aigate.rules.jurisdiction

params := data.aigate.params.jurisdiction

countries := {c | some c in params.countries}

roles := {r | some r in params.roles}

# A string made by Python: regopy quotes builtin-made strings inside sprintf.
lists := params.lists_text

# METADATA
# title: Publisher in a country of concern
# description: The organisation that published the model, weights or service is in a country on the pack's list.
# custom:
#   id: jurisdiction.publisher-country
#   severity: high
#   regulation: 15 CFR 791.4 (ICTS supply chain, EO 13873); FY2026 NDAA § 1532
#   remediation: Replace the component with one from a publisher outside the listed countries, or record an approved, time-bound waiver.
deny_publisher_country := [f |
	some c in input.components
	roles[c.role]
	country := c.publisher.country
	countries[country]
	f := {
		"component": c.id,
		"msg": sprintf("%s is published by %s, in %s (listed: %s)", [c.id, c.publisher.name, country, lists]),
		"facts": {"fact": "publisher.country", "value": country, "publisher": c.publisher.name, "sources": c.publisher.sources},
	}
]

# METADATA
# title: Publisher controlled from a country of concern
# description: The publisher's controlling parent organisation is in a country on the pack's list.
# custom:
#   id: jurisdiction.parent-country
#   severity: high
#   regulation: 15 CFR 791.4 (ownership, control or direction by a foreign adversary)
#   remediation: Replace the component, or record a waiver approved by the people who own the export-control decision.
deny_parent_country := [f |
	some c in input.components
	roles[c.role]
	country := c.publisher.parent_country
	countries[country]
	f := {
		"component": c.id,
		"msg": sprintf("%s is published by %s, controlled by %s in %s (listed: %s)", [c.id, c.publisher.name, c.publisher.parent, country, lists]),
		"facts": {"fact": "publisher.parent_country", "value": country, "parent": c.publisher.parent, "sources": c.publisher.sources},
	}
]

# METADATA
# title: Derived from a model of a country of concern
# description: An ancestor in the component's lineage (base model, distillation teacher, merge parent) was published by an organisation in, or controlled from, a listed country.
# custom:
#   id: jurisdiction.lineage-country
#   severity: high
#   regulation: 15 CFR 791.4; FY2026 NDAA § 1532 (covered AI systems and their derivatives)
#   remediation: Use a model whose whole lineage is outside the listed countries, or waive with a recorded reason.
deny_lineage_country := [f |
	some c in input.components
	roles[c.role]
	some a in c.lineage
	not demoted(a)
	some field in ["country", "parent_country"]
	country := a.publisher[field]
	countries[country]
	f := lineage_finding(c, a, field, country)
]

# A guessed link that the pack caps at a warning (heuristic_lineage: warn).
warn_lineage_guessed := [f |
	params.heuristic_lineage == "warn"
	some c in input.components
	roles[c.role]
	some a in c.lineage
	guessed(a)
	some field in ["country", "parent_country"]
	country := a.publisher[field]
	countries[country]
	f := object.union(lineage_finding(c, a, field, country), {"rule": "jurisdiction.lineage-country"})
]

lineage_finding(c, a, field, country) := {
	"component": c.id,
	"msg": concat("", [sprintf("%s is derived (%s, depth %d) from %s by %s, in %s (listed: %s)", [c.id, a.relation, a.depth, a.id, a.publisher.name, country, lists]), guess_text(a)]),
	"facts": {"fact": sprintf("lineage[%s].publisher.%s", [a.id, field]), "ancestor": a.id, "relation": a.relation, "heuristic": guessed(a)},
}

# An ancestor whose link (or publisher) only a name heuristic gave: a guess.
guessed(a) := object.get(a, "heuristic", false)

# Findings on a guess leave the deny rules unless the pack says a guess denies.
demoted(a) if {
	guessed(a)
	params.heuristic_lineage != "deny"
}

guess_text(a) := "" if not guessed(a)

guess_text(a) := "; a guess: a name heuristic gave the link or its publisher" if guessed(a)

# METADATA
# title: Served from a country of concern
# description: A hosted model is called at an endpoint operated from a listed country, so prompts and data go there.
# custom:
#   id: jurisdiction.serving-country
#   severity: high
#   regulation: 15 CFR 791.4 (ICTS transactions); data-transfer obligations
#   remediation: Call the model through an endpoint operated outside the listed countries, or remove the call.
deny_serving_country := [f |
	some c in input.components
	roles[c.role]
	country := c.served_by.country
	countries[country]
	f := {
		"component": c.id,
		"msg": sprintf("%s is served from %s by %s, in %s (listed: %s)", [c.id, c.served_by.host, operator_name(c.served_by), country, lists]),
		"facts": {"fact": "served_by.country", "value": country, "host": c.served_by.host, "sources": c.served_by.sources},
	}
]

# The serving-country rule also covers where the host serves from: an operator outside the
# listed countries serving from a cloud region inside one (Bedrock in ap-east-1, Hong Kong)
# receives and stores prompts there. Same rule id; the message names the region.
deny_serving_region := [f |
	some c in input.components
	roles[c.role]
	country := c.served_by.region_country
	countries[country]
	not countries[c.served_by.country]
	f := {
		"rule": "jurisdiction.serving-country",
		"component": c.id,
		"msg": sprintf("%s is served from %s by %s, in region %s located in %s (listed: %s)", [c.id, c.served_by.host, operator_name(c.served_by), c.served_by.region, country, lists]),
		"facts": {"fact": "served_by.region_country", "value": country, "host": c.served_by.host, "region": c.served_by.region, "sources": c.served_by.sources},
	}
]

# A configured endpoint with no model in view (a base URL in .env, a client whose model is
# passed in) still says where prompts go: the same rule judges its operator's country.
deny_endpoint_country := [f |
	some e in object.get(input, ["inventory", "endpoints"], [])
	countries[e.country]
	f := {
		"rule": "jurisdiction.serving-country",
		"component": concat("", ["endpoint:", e.host]),
		"msg": sprintf("the release is configured for %s (%s), operated by %s in %s (listed: %s)", [e.host, e.provider, operator_name(e), e.country, lists]),
		"facts": {"fact": "endpoint.country", "value": e.country, "host": e.host, "locations": e.locations},
	}
]

operator_name(s) := s.operator if s.operator != null

operator_name(s) := "an unknown operator" if s.operator == null

unknown_country := [f |
	some c in input.components
	roles[c.role]
	not known_country(c)
	f := {
		"rule": "jurisdiction.unknown-country",
		"component": c.id,
		"msg": sprintf("%s: publisher country unknown (%s)", [c.id, publisher_name(c)]),
		"facts": {"fact": "publisher.country", "value": null},
	}
]

known_country(c) if c.publisher.country != null

publisher_name(c) := c.publisher.name if c.publisher != null

publisher_name(c) := "no publisher known" if c.publisher == null

# METADATA
# title: Publisher country unknown
# description: Nothing aigate knows (registry, model card, Hub, BOM) says where the publisher is. The pack's `unknown` parameter decides whether that blocks.
# custom:
#   id: jurisdiction.unknown-country
#   severity: medium
#   level: warn
#   regulation: 15 CFR 791.4 (due diligence on origin)
#   remediation: Add the publisher to a registry file (--registry) with its country and a source, or replace the component.
warn_unknown_country := unknown_country if params.unknown == "warn"

deny_unknown_country := unknown_country if params.unknown == "deny"

# ---- unknown serving host and ancestors

hosted(c) if c.role == "hosted-api"

hosted(c) if c.served_by != null

unknown_serving := [f |
	some c in input.components
	roles[c.role]
	hosted(c)
	some why in serving_unknown(c)
	f := {
		"rule": "jurisdiction.unknown-serving-country",
		"component": c.id,
		"msg": concat("", [c.id, ": where it is served is unknown (", why.text, ")"]),
		"facts": why.facts,
		"evidence": why.evidence,
	}
]

serving_unknown(c) := array.concat(unknown_host(c), unread_endpoints(c))

# No host at all: said once, by the endpoint expression when the code names one.
unknown_host(c) := [{"text": "no serving host is known", "facts": {"fact": "served_by", "value": null}, "evidence": []}] if {
	c.served_by == null
	count(object.get(c, "unresolved_endpoints", [])) == 0
}

unknown_host(c) := [] if {
	c.served_by == null
	count(object.get(c, "unresolved_endpoints", [])) > 0
}

unknown_host(c) := [{"text": concat("", ["the host ", c.served_by.host, " is operated by ", operator_name(c.served_by), " in no known country"]), "facts": {"fact": "served_by.country", "host": c.served_by.host}, "evidence": []}] if {
	c.served_by != null
	c.served_by.country == null
}

unknown_host(c) := [] if c.served_by.country != null

unread_endpoints(c) := [{
	"text": concat("", ["the endpoint is set by ", e.expression, " at ", e.file, ":", sprintf("%v", [e.line]), ", which the scan cannot read: the call goes wherever it points at run time"]),
	"facts": {"fact": concat("", ["unresolved_endpoints[", e.expression, "]"]), "value": e.expression},
	"evidence": [{"file": e.file, "line": e.line}],
} |
	some e in object.get(c, "unresolved_endpoints", [])
]

# METADATA
# title: Serving country unknown
# description: A hosted model is called at a host aigate cannot place (not in the registry, or no country known for its operator), or at an endpoint the code sets by an expression the scan cannot read, so where prompts and data go is unknown. The pack's `unknown` parameter decides whether that blocks.
# custom:
#   id: jurisdiction.unknown-serving-country
#   severity: medium
#   level: warn
#   regulation: 15 CFR 791.4 (due diligence on ICTS transactions)
#   remediation: Add the host to a registry file (--registry, `endpoints:` with operator and country), write the endpoint as a constant the scan can read, or record a waiver.
warn_unknown_serving_country := unknown_serving if params.unknown == "warn"

deny_unknown_serving_country := unknown_serving if params.unknown == "deny"

unknown_lineage_all := [[f, guessed(a)] |
	some c in input.components
	roles[c.role]
	some a in c.lineage
	not known_country(a)
	f := {
		"rule": "jurisdiction.unknown-lineage-country",
		"component": c.id,
		"msg": concat("", [sprintf("%s is derived (%s, depth %d) from %s, whose publisher's country is unknown (%s)", [c.id, a.relation, a.depth, a.id, ancestor_publisher(a)]), guess_text(a)]),
		"facts": {"fact": sprintf("lineage[%s].publisher.country", [a.id]), "value": null, "ancestor": a.id, "heuristic": guessed(a)},
	}
]

known_country(a) if a.publisher.country != null

ancestor_publisher(a) := a.publisher.name if a.publisher != null

ancestor_publisher(a) := "no publisher known" if a.publisher == null

# The level of an unknown ancestor: the `unknown` parameter, capped by heuristic_lineage
# when the link is a guess.
unknown_lineage(level) := [f |
	some pair in unknown_lineage_all
	f := pair[0]
	lineage_level(pair[1]) == level
]

lineage_level(false) := params.unknown

lineage_level(true) := params.unknown if params.heuristic_lineage == "deny"

lineage_level(true) := "warn" if {
	params.heuristic_lineage == "warn"
	params.unknown != "allow"
}

# METADATA
# title: Ancestor's country unknown
# description: An ancestor in the component's lineage (base model, distillation teacher, merge parent) was published by an organisation whose country nothing aigate knows states, so the model's origin is not fully known. The pack's `unknown` parameter decides whether that blocks (`heuristic_lineage` caps an ancestor only a name heuristic gave).
# custom:
#   id: jurisdiction.unknown-lineage-country
#   severity: medium
#   level: warn
#   regulation: 15 CFR 791.4; FY2026 NDAA § 1532 (covered AI systems and their derivatives)
#   remediation: Add the ancestor's publisher to a registry file (--registry) with its country and a source, or record a waiver.
warn_unknown_lineage_country := unknown_lineage("warn")

deny_unknown_lineage_country := unknown_lineage("deny")
