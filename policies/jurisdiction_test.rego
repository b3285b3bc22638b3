package aigate.rules.jurisdiction_test

import data.aigate.lib.fixtures_test as fx
import data.aigate.rules.jurisdiction

test_publisher_in_listed_country_is_denied if {
	comps := [fx.component({"publisher": fx.party("Alibaba Cloud", "CN")})]
	p := fx.jurisdiction
	fs := jurisdiction.deny_publisher_country with input.components as comps with data.aigate.params.jurisdiction as p
	count(fs) == 1
	fs[0].component == "hf:org/model@unpinned"
	fs[0].facts.value == "CN"
}

test_publisher_elsewhere_passes if {
	comps := [fx.component({"publisher": fx.party("Meta", "US")})]
	p := fx.jurisdiction
	fs := jurisdiction.deny_publisher_country with input.components as comps with data.aigate.params.jurisdiction as p
	count(fs) == 0
}

test_sdk_role_is_not_judged if {
	comps := [fx.component({"role": "sdk", "publisher": fx.party("Zhipu", "CN")})]
	p := fx.jurisdiction
	fs := jurisdiction.deny_publisher_country with input.components as comps with data.aigate.params.jurisdiction as p
	count(fs) == 0
}

test_parent_in_listed_country_is_denied if {
	pub := object.union(fx.party("Sub Ltd", "SG"), {"parent": "Parent Co", "parent_country": "CN"})
	comps := [fx.component({"publisher": pub})]
	p := fx.jurisdiction
	fs := jurisdiction.deny_parent_country with input.components as comps with data.aigate.params.jurisdiction as p
	count(fs) == 1
	contains(fs[0].msg, "Parent Co")
}

test_lineage_ancestor_country_is_denied if {
	anc := {"id": "hf:deepseek-ai/DeepSeek-R1@unpinned", "name": "DeepSeek-R1", "relation": "distill", "depth": 2, "publisher": fx.party("DeepSeek", "CN"), "sources": []}
	comps := [fx.component({"publisher": fx.party("Meta", "US"), "lineage": [anc]})]
	p := fx.jurisdiction
	fs := jurisdiction.deny_lineage_country with input.components as comps with data.aigate.params.jurisdiction as p
	count(fs) == 1
	fs[0].facts.ancestor == "hf:deepseek-ai/DeepSeek-R1@unpinned"
}

test_lineage_of_unknown_ancestor_passes if {
	anc := {"id": "hf:x/y@unpinned", "name": "y", "relation": "finetune", "depth": 1, "publisher": null, "sources": []}
	comps := [fx.component({"publisher": fx.party("Meta", "US"), "lineage": [anc]})]
	p := fx.jurisdiction
	fs := jurisdiction.deny_lineage_country with input.components as comps with data.aigate.params.jurisdiction as p
	count(fs) == 0
}

test_serving_country_is_denied if {
	served := {"host": "api.deepseek.com", "operator": "DeepSeek", "country": "CN", "sources": []}
	comps := [fx.component({"id": "api:deepseek/deepseek-chat", "role": "hosted-api", "served_by": served})]
	p := fx.jurisdiction
	fs := jurisdiction.deny_serving_country with input.components as comps with data.aigate.params.jurisdiction as p
	count(fs) == 1
	contains(fs[0].msg, "api.deepseek.com")
}

test_unknown_country_warns_by_default if {
	comps := [fx.component({})]
	p := fx.jurisdiction
	fs := jurisdiction.warn_unknown_country with input.components as comps with data.aigate.params.jurisdiction as p
	count(fs) == 1
	fs[0].rule == "jurisdiction.unknown-country"
}

test_unknown_country_denies_when_asked if {
	comps := [fx.component({})]
	p := object.union(fx.jurisdiction, {"unknown": "deny"})
	fs := jurisdiction.deny_unknown_country with input.components as comps with data.aigate.params.jurisdiction as p
	count(fs) == 1
}

test_unknown_country_allowed_is_silent if {
	comps := [fx.component({})]
	p := object.union(fx.jurisdiction, {"unknown": "allow"})
	not jurisdiction.warn_unknown_country with input.components as comps with data.aigate.params.jurisdiction as p
	not jurisdiction.deny_unknown_country with input.components as comps with data.aigate.params.jurisdiction as p
}

test_assistants_are_left_to_their_area if {
	# The assistants area judges vendor, model and endpoint of a coding assistant apart
	# (an endpoint there warns): jurisdiction's roles leave code-assistant out.
	served := {"host": "api.deepseek.com", "operator": "DeepSeek", "country": "CN", "sources": []}
	comps := [fx.component({"id": "assistant:alibaba/qwen-code", "role": "code-assistant", "publisher": fx.party("Alibaba", "CN"), "served_by": served})]
	p := fx.jurisdiction
	count(jurisdiction.deny_serving_country) == 0 with input.components as comps with data.aigate.params.jurisdiction as p
	count(jurisdiction.deny_publisher_country) == 0 with input.components as comps with data.aigate.params.jurisdiction as p
}

test_serving_region_in_a_listed_country_is_denied if {
	served := {"host": "bedrock-runtime.ap-east-1.amazonaws.com", "operator": "Amazon Web Services (Bedrock)", "country": "US", "region": "ap-east-1", "region_country": "HK", "sources": []}
	comps := [fx.component({"id": "api:bedrock/anthropic.claude-3-haiku", "role": "hosted-api", "served_by": served})]
	p := object.union(fx.jurisdiction, {"countries": ["CN", "HK"]})
	fs := jurisdiction.deny_serving_region with input.components as comps with data.aigate.params.jurisdiction as p
	count(fs) == 1
	fs[0].rule == "jurisdiction.serving-country"
	contains(fs[0].msg, "region ap-east-1 located in HK")
	count(jurisdiction.deny_serving_country) == 0 with input.components as comps with data.aigate.params.jurisdiction as p
}

test_serving_region_is_silent_when_the_operator_finding_covers_it if {
	served := {"host": "bedrock-runtime.cn-north-1.amazonaws.com.cn", "operator": "AWS China", "country": "CN", "region": "cn-north-1", "region_country": "CN", "sources": []}
	comps := [fx.component({"id": "api:bedrock/x", "role": "hosted-api", "served_by": served})]
	p := fx.jurisdiction
	count(jurisdiction.deny_serving_region) == 0 with input.components as comps with data.aigate.params.jurisdiction as p
	count(jurisdiction.deny_serving_country) == 1 with input.components as comps with data.aigate.params.jurisdiction as p
}
