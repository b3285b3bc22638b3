# Entity list: publishers (or their parents) on the BIS Entity List data aigate ships.
#
# The resolver marks parties with `entity_listed` from gate/resolve/data/regulatory.yaml;
# data.aigate.regulatory.entity_list carries the list's citation for messages.
#
# Parameters (data.aigate.params.entity_list):
#   roles: component roles that are judged
#   heuristic_lineage: deny | warn | ignore - an ancestor only a name heuristic gave (its
#          link or its publisher): deny as any other, warn at most, or not reported
# METADATA
# scope: package
# description: Each rule judges one component at a time from these facts.
# custom:
#   input:
#     per_component: [role, publisher, lineage.id, lineage.relation, lineage.publisher, lineage.heuristic]
#     opaque: [lineage.id]
package aigate.rules.entity_list

params := data.aigate.params.entity_list

roles := {r | some r in params.roles}

citation := data.aigate.regulatory.entity_list.citation

# METADATA
# title: Publisher on the Entity List
# description: The organisation that published the component, or its parent, is on the BIS Entity List (15 CFR 744 Supplement No. 4).
# custom:
#   id: entity-list.publisher
#   severity: critical
#   regulation: 15 CFR 744 Supp. 4 (BIS Entity List)
#   remediation: Remove the component; dealings with listed entities need an export licence. Check the live Consolidated Screening List.
deny_publisher := [f |
	some c in input.components
	roles[c.role]
	c.publisher.entity_listed == true
	f := {
		"component": c.id,
		"msg": sprintf("%s is published by %s, which (or whose parent) is on the Entity List (%s)", [c.id, c.publisher.name, citation]),
		"facts": {"fact": "publisher.entity_listed", "value": true, "publisher": c.publisher.name, "sources": c.publisher.sources},
	}
]

# METADATA
# title: Derived from an Entity List publisher's model
# description: An ancestor in the component's lineage was published by an organisation on the BIS Entity List.
# custom:
#   id: entity-list.lineage
#   severity: high
#   regulation: 15 CFR 744 Supp. 4 (BIS Entity List)
#   remediation: Use a model whose lineage does not include listed entities, or record a waiver with legal approval.
deny_lineage := [f |
	some c in input.components
	roles[c.role]
	some a in c.lineage
	a.publisher.entity_listed == true
	not demoted(a)
	f := listed_ancestor(c, a)
]

warn_lineage_guessed := [f |
	params.heuristic_lineage == "warn"
	some c in input.components
	roles[c.role]
	some a in c.lineage
	a.publisher.entity_listed == true
	guessed(a)
	f := object.union(listed_ancestor(c, a), {"rule": "entity-list.lineage"})
]

listed_ancestor(c, a) := {
	"component": c.id,
	"msg": concat("", [sprintf("%s is derived (%s) from %s by %s, which is on the Entity List (%s)", [c.id, a.relation, a.id, a.publisher.name, citation]), guess_text(a)]),
	"facts": {"fact": sprintf("lineage[%s].publisher.entity_listed", [a.id]), "ancestor": a.id, "heuristic": guessed(a)},
}

guessed(a) := object.get(a, "heuristic", false)

demoted(a) if {
	guessed(a)
	params.heuristic_lineage != "deny"
}

guess_text(a) := "" if not guessed(a)

guess_text(a) := "; a guess: a name heuristic gave the link or its publisher" if guessed(a)
