# Jurisdiction: where the organisations behind a component are, and where it is served from.
#
# Parameters (data.aigate.params.jurisdiction, filled by the pack):
#   countries: ISO 3166-1 alpha-2 codes of concern (the packs use the 15 CFR 791.4 list)
#   lists:     ids of the regulatory lists the countries came from (for messages)
#   unknown:   deny | warn | allow  - what an unknown publisher country means
#   roles:     component roles whose origin is judged (code-assistant is left to the
#              assistants area, which judges vendor, model and endpoint apart)
#
# Rules are array comprehensions, not `contains` sets: regopy builds sets in quadratic time.
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
	some field in ["country", "parent_country"]
	country := a.publisher[field]
	countries[country]
	f := {
		"component": c.id,
		"msg": sprintf("%s is derived (%s, depth %d) from %s by %s, in %s (listed: %s)", [c.id, a.relation, a.depth, a.id, a.publisher.name, country, lists]),
		"facts": {"fact": sprintf("lineage[%s].publisher.%s", [a.id, field]), "value": country, "ancestor": a.id, "relation": a.relation, "sources": array.concat(a.sources, a.publisher.sources)},
	}
]

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
