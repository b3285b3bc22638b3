# Licences: an allow-list plus denied categories, with SPDX expression semantics.
#
# input.components[].licence.choices is the expression as OR-of-ANDs: a component is
# acceptable when ANY choice (an OR branch) has EVERY licence (its AND members) allowed.
#
# Parameters (data.aigate.params.licence):
#   allow:            catalogue keys (apache-2.0, mit, llama3.1, ...) that are accepted
#   allow_categories: categories accepted as a whole (e.g. permissive)
#   deny_categories:  categories never accepted (non-commercial, research-only, ...)
#   unknown:          deny | warn | allow - a missing or unrecognised licence
#   obligations:      true to report each licence's obligations as info
#   roles:            component roles whose licence is judged
# METADATA
# scope: package
# description: Each rule judges one component at a time from its role and licence.
# custom:
#   input:
#     per_component: [role, licence]
package aigate.rules.licence

params := data.aigate.params.licence

allow := {k | some k in params.allow}

allow_categories := {c | some c in params.allow_categories}

denied_categories := {c | some c in params.deny_categories}

roles := {r | some r in params.roles}

term_allowed(t) if {
	t.category != "unknown"
	not denied_categories[t.category]
	allow[t.key]
}

term_allowed(t) if {
	t.category != "unknown"
	not denied_categories[t.category]
	allow_categories[t.category]
}

choice_allowed(choice) if {
	every t in choice {
		term_allowed(t)
	}
}

acceptable(l) if {
	some choice in l.choices
	choice_allowed(choice)
}

choice_denied(choice) if {
	some t in choice
	denied_categories[t.category]
}

# Every OR branch has a licence in a denied category: no way to comply.
all_denied(l) if {
	count(l.choices) > 0
	every choice in l.choices {
		choice_denied(choice)
	}
}

choice_known(choice) if {
	every t in choice {
		t.category != "unknown"
	}
}

some_choice_known(l) if {
	some choice in l.choices
	choice_known(choice)
}

denied_terms(l) := sort([t.spdx | some choice in l.choices; some t in choice; denied_categories[t.category]])

judged := [c | some c in input.components; roles[c.role]]

# METADATA
# title: Licence in a denied category
# description: Every way to comply with the component's licence expression includes a licence in a category the pack denies (an OR takes its best branch, an AND its worst member).
# custom:
#   id: licence.denied-category
#   severity: high
#   regulation: Licence compliance (SPDX expression semantics)
#   remediation: Replace the component with one under an allowed licence, or obtain a commercial licence and record a waiver citing it.
deny_denied_category := [f |
	some c in judged
	l := c.licence
	l != null
	not acceptable(l)
	all_denied(l)
	f := {
		"component": c.id,
		"msg": concat("", [c.id, " is licensed ", l.expression, ": ", concat(", ", denied_terms(l)), " in a denied category (", concat(", ", params.deny_categories), ")"]),
		"facts": {"fact": "licence.category", "value": l.category, "expression": l.expression, "sources": l.sources},
	}
]

# METADATA
# title: Licence not on the allow-list
# description: The component's licence is known but no OR branch of its expression consists only of allowed licences.
# custom:
#   id: licence.not-allowed
#   severity: medium
#   regulation: Licence compliance (allow-list)
#   remediation: Add the licence to the pack's allow-list after legal review, replace the component, or waive it.
deny_not_allowed := [f |
	some c in judged
	l := c.licence
	l != null
	not acceptable(l)
	not all_denied(l)
	some_choice_known(l)
	f := {
		"component": c.id,
		"msg": sprintf("%s is licensed %s (%s), which is not on the allow-list", [c.id, l.expression, l.category]),
		"facts": {"fact": "licence.expression", "value": l.expression, "category": l.category, "sources": l.sources},
	}
]

unknown_licence := array.concat(
	[f |
		some c in judged
		c.licence == null
		f := {
			"rule": "licence.unknown",
			"component": c.id,
			"msg": sprintf("%s declares no licence", [c.id]),
			"facts": {"fact": "licence", "value": null},
		}
	],
	[f |
		some c in judged
		l := c.licence
		l != null
		not acceptable(l)
		not all_denied(l)
		not some_choice_known(l)
		f := {
			"rule": "licence.unknown",
			"component": c.id,
			"msg": sprintf("%s is licensed \"%s\", which aigate does not recognise", [c.id, l.expression]),
			"facts": {"fact": "licence.expression", "value": l.expression, "sources": l.sources},
		}
	],
)

# METADATA
# title: Licence unknown
# description: The component declares no licence, or one aigate's catalogue does not recognise. The pack's `unknown` parameter decides whether that blocks.
# custom:
#   id: licence.unknown
#   severity: medium
#   level: warn
#   regulation: Licence compliance (no licence means no rights granted)
#   remediation: Find the licence (model card, LICENSE file) and add it to a registry file, or replace the component.
warn_unknown := unknown_licence if params.unknown == "warn"

deny_unknown := unknown_licence if params.unknown == "deny"

# METADATA
# title: Licence obligations
# description: What the component's licence asks of the release (attribution, notices, use restrictions, user thresholds).
# custom:
#   id: licence.obligations
#   severity: low
#   regulation: Licence compliance (obligations)
#   remediation: Meet each obligation in the release (NOTICE file, attribution, acceptable-use terms passed downstream).
info_obligations := [f |
	params.obligations == true
	some c in judged
	l := c.licence
	count(l.obligations) > 0
	f := {
		"component": c.id,
		"msg": concat("", [c.id, " (", l.expression, ") obliges: ", concat("; ", l.obligations)]),
		"facts": {"fact": "licence.obligations", "value": l.obligations, "sources": l.sources},
	}
]
