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

test_a_guessed_lineage_warns_or_denies_as_the_pack_says if {
	anc := fx.ancestor("name:GLM family", "finetune", 1, fx.party("Zhipu AI", "CN"), true)
	comps := [fx.component({"publisher": fx.party("Acme", "US"), "lineage": [anc]})]
	p := fx.jurisdiction
	count(jurisdiction.deny_lineage_country) == 0 with input.components as comps with data.aigate.params.jurisdiction as p
	warned := jurisdiction.warn_lineage_guessed with input.components as comps with data.aigate.params.jurisdiction as p
	count(warned) == 1
	warned[0].rule == "jurisdiction.lineage-country"
	contains(warned[0].msg, "a guess")
	strict := object.union(fx.jurisdiction, {"heuristic_lineage": "deny"})
	count(jurisdiction.deny_lineage_country) == 1 with input.components as comps with data.aigate.params.jurisdiction as strict
	count(jurisdiction.warn_lineage_guessed) == 0 with input.components as comps with data.aigate.params.jurisdiction as strict
	quiet := object.union(fx.jurisdiction, {"heuristic_lineage": "ignore"})
	count(jurisdiction.deny_lineage_country) == 0 with input.components as comps with data.aigate.params.jurisdiction as quiet
	count(jurisdiction.warn_lineage_guessed) == 0 with input.components as comps with data.aigate.params.jurisdiction as quiet
}

test_a_stated_lineage_denies_whatever_the_heuristic_parameter if {
	anc := fx.ancestor("hf:deepseek-ai/DeepSeek-R1@unpinned", "distill", 1, fx.party("DeepSeek", "CN"), false)
	comps := [fx.component({"publisher": fx.party("Acme", "US"), "lineage": [anc]})]
	quiet := object.union(fx.jurisdiction, {"heuristic_lineage": "ignore"})
	count(jurisdiction.deny_lineage_country) == 1 with input.components as comps with data.aigate.params.jurisdiction as quiet
}

test_reseller_host_of_no_known_country_is_unknown_serving if {
	served := {"host": "api.some-reseller.cn", "operator": null, "country": null, "sources": []}
	comps := [fx.component({"id": "api:api.some-reseller.cn/gpt-4o", "role": "hosted-api", "publisher": fx.party("OpenAI", "US"), "served_by": served})]
	p := fx.jurisdiction
	fs := jurisdiction.warn_unknown_serving_country with input.components as comps with data.aigate.params.jurisdiction as p
	count(fs) == 1
	fs[0].rule == "jurisdiction.unknown-serving-country"
	contains(fs[0].msg, "api.some-reseller.cn")
	strict := object.union(fx.jurisdiction, {"unknown": "deny"})
	count(jurisdiction.deny_unknown_serving_country) == 1 with input.components as comps with data.aigate.params.jurisdiction as strict
}

test_an_endpoint_from_the_environment_is_unknown_serving if {
	# The SDK default host is known, but the code points the client elsewhere at run time.
	served := {"host": "api.openai.com", "operator": "OpenAI", "country": "US", "sources": []}
	unread := [{"expression": "os.environ[\"LLM_URL\"]", "file": "app.py", "line": 7}]
	comps := [fx.component({"id": "api:openai/gpt-4o", "role": "hosted-api", "served_by": served, "unresolved_endpoints": unread})]
	p := object.union(fx.jurisdiction, {"unknown": "deny"})
	fs := jurisdiction.deny_unknown_serving_country with input.components as comps with data.aigate.params.jurisdiction as p
	count(fs) == 1
	fs[0].evidence == [{"file": "app.py", "line": 7}]
	contains(fs[0].msg, "LLM_URL")
}

test_a_hosted_api_with_no_host_and_a_placed_host_are_told_apart if {
	comps := [
		fx.component({"id": "api:x/m", "role": "hosted-api"}),
		fx.component({"id": "api:y/m", "role": "hosted-api", "served_by": {"host": "api.mistral.ai", "operator": "Mistral AI", "country": "FR", "sources": []}}),
		fx.component({"id": "hf:a/b@unpinned"}),
	]
	p := fx.jurisdiction
	fs := jurisdiction.warn_unknown_serving_country with input.components as comps with data.aigate.params.jurisdiction as p
	[f.component | some f in fs] == ["api:x/m"]
}

test_an_ancestor_of_unknown_country_follows_unknown_and_heuristic_parameters if {
	solid := fx.ancestor("hf:someorg/base@unpinned", "finetune", 1, fx.party("Some Org", null), false)
	guess := fx.ancestor("name:Foo family", "finetune", 2, null, true)
	comps := [fx.component({"publisher": fx.party("Acme", "US"), "lineage": [solid, guess]})]
	p := fx.jurisdiction
	warned := jurisdiction.warn_unknown_lineage_country with input.components as comps with data.aigate.params.jurisdiction as p
	count(warned) == 2
	strict := object.union(fx.jurisdiction, {"unknown": "deny"})
	denied := jurisdiction.deny_unknown_lineage_country with input.components as comps with data.aigate.params.jurisdiction as strict
	[f.facts.ancestor | some f in denied] == ["hf:someorg/base@unpinned"]
	capped := jurisdiction.warn_unknown_lineage_country with input.components as comps with data.aigate.params.jurisdiction as strict
	[f.facts.ancestor | some f in capped] == ["name:Foo family"]
	all_deny := object.union(strict, {"heuristic_lineage": "deny"})
	count(jurisdiction.deny_unknown_lineage_country) == 2 with input.components as comps with data.aigate.params.jurisdiction as all_deny
	allowed := object.union(fx.jurisdiction, {"unknown": "allow"})
	count(jurisdiction.warn_unknown_lineage_country) == 0 with input.components as comps with data.aigate.params.jurisdiction as allowed
	count(jurisdiction.deny_unknown_lineage_country) == 0 with input.components as comps with data.aigate.params.jurisdiction as allowed
}

test_an_unread_endpoint_without_a_host_is_reported_once if {
	ep := {"expression": "os.environ[\"LLM_URL\"]", "file": "app.py", "line": 5}
	comps := [fx.component({"id": "api:openai/gpt-4o-mini", "role": "hosted-api", "served_by": null, "unresolved_endpoints": [ep]})]
	p := fx.jurisdiction
	fs := jurisdiction.warn_unknown_serving_country with input.components as comps with data.aigate.params.jurisdiction as p
	count(fs) == 1
	contains(fs[0].msg, "LLM_URL")
}

test_a_configured_endpoint_in_a_listed_country_is_denied if {
	p := fx.jurisdiction
	eps := [{"host": "dashscope.aliyuncs.com", "provider": "alibaba", "operator": "Alibaba Cloud", "country": "CN", "base_url": "https://dashscope.aliyuncs.com/compatible-mode/v1", "locations": [".env.example:3"]}]
	fs := jurisdiction.deny_endpoint_country with input.inventory.endpoints as eps with data.aigate.params.jurisdiction as p
	count(fs) == 1
	fs[0].rule == "jurisdiction.serving-country"
	fs[0].component == "endpoint:dashscope.aliyuncs.com"
}

test_a_configured_endpoint_elsewhere_is_not if {
	p := fx.jurisdiction
	eps := [{"host": "api.openai.com", "provider": "openai", "operator": "OpenAI", "country": "US", "base_url": "https://api.openai.com/v1", "locations": []}]
	count(jurisdiction.deny_endpoint_country) == 0 with input.inventory.endpoints as eps with data.aigate.params.jurisdiction as p
}
