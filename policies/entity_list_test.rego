package aigate.rules.entity_list_test

import data.aigate.lib.fixtures_test as fx
import data.aigate.rules.entity_list

params := {"roles": ["runtime-model", "embedded-weights"], "heuristic_lineage": "warn"}

test_listed_publisher_is_denied if {
	pub := object.union(fx.party("Zhipu AI", "CN"), {"entity_listed": true})
	comps := [fx.component({"publisher": pub})]
	p := params
	fs := entity_list.deny_publisher with input.components as comps with data.aigate.params.entity_list as p
	count(fs) == 1
}

test_unlisted_publisher_passes if {
	comps := [fx.component({"publisher": fx.party("Zhipu AI", "CN")})]
	p := params
	fs := entity_list.deny_publisher with input.components as comps with data.aigate.params.entity_list as p
	count(fs) == 0
}

test_listed_ancestor_is_denied if {
	anc := {"id": "hf:BAAI/bge-small-en-v1.5@unpinned", "name": "bge", "relation": "finetune", "depth": 1, "publisher": object.union(fx.party("BAAI", "CN"), {"entity_listed": true}), "sources": []}
	comps := [fx.component({"lineage": [anc]})]
	p := params
	fs := entity_list.deny_lineage with input.components as comps with data.aigate.params.entity_list as p
	count(fs) == 1
	fs[0].facts.ancestor == "hf:BAAI/bge-small-en-v1.5@unpinned"
}

test_a_guessed_listed_ancestor_follows_the_heuristic_parameter if {
	pub := object.union(fx.party("Zhipu AI", "CN"), {"entity_listed": true})
	anc := fx.ancestor("name:GLM family", "finetune", 1, pub, true)
	comps := [fx.component({"lineage": [anc]})]
	p := params
	count(entity_list.deny_lineage) == 0 with input.components as comps with data.aigate.params.entity_list as p
	warned := entity_list.warn_lineage_guessed with input.components as comps with data.aigate.params.entity_list as p
	count(warned) == 1
	warned[0].rule == "entity-list.lineage"
	strict := object.union(params, {"heuristic_lineage": "deny"})
	count(entity_list.deny_lineage) == 1 with input.components as comps with data.aigate.params.entity_list as strict
	quiet := object.union(params, {"heuristic_lineage": "ignore"})
	count(entity_list.warn_lineage_guessed) == 0 with input.components as comps with data.aigate.params.entity_list as quiet
}
