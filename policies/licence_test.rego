package aigate.rules.licence_test

import data.aigate.lib.fixtures_test as fx
import data.aigate.rules.licence

test_allowed_licence_passes if {
	comps := [fx.component({"licence": fx.licence("Apache-2.0", "permissive", [[fx.term("apache-2.0", "permissive")]])})]
	p := fx.licence_params
	count(licence.deny_not_allowed) == 0 with input.components as comps with data.aigate.params.licence as p
	count(licence.deny_denied_category) == 0 with input.components as comps with data.aigate.params.licence as p
	count(licence.deny_unknown) == 0 with input.components as comps with data.aigate.params.licence as p
}

test_or_takes_the_best_branch if {
	choices := [[fx.term("mit", "permissive")], [fx.term("cc-by-nc-4.0", "non-commercial")]]
	comps := [fx.component({"licence": fx.licence("MIT OR CC-BY-NC-4.0", "permissive", choices)})]
	p := fx.licence_params
	count(licence.deny_denied_category) == 0 with input.components as comps with data.aigate.params.licence as p
	count(licence.deny_not_allowed) == 0 with input.components as comps with data.aigate.params.licence as p
}

test_and_takes_the_worst_member if {
	choices := [[fx.term("mit", "permissive"), fx.term("cc-by-nc-4.0", "non-commercial")]]
	comps := [fx.component({"licence": fx.licence("MIT AND CC-BY-NC-4.0", "non-commercial", choices)})]
	p := fx.licence_params
	fs := licence.deny_denied_category with input.components as comps with data.aigate.params.licence as p
	count(fs) == 1
	contains(fs[0].msg, "cc-by-nc-4.0")
}

test_known_licence_off_the_list_is_denied if {
	comps := [fx.component({"licence": fx.licence("GPL-3.0-only", "copyleft", [[fx.term("gpl-3.0", "copyleft")]])})]
	p := fx.licence_params
	fs := licence.deny_not_allowed with input.components as comps with data.aigate.params.licence as p
	count(fs) == 1
}

test_missing_licence_is_unknown if {
	comps := [fx.component({})]
	p := fx.licence_params
	fs := licence.deny_unknown with input.components as comps with data.aigate.params.licence as p
	count(fs) == 1
	fs[0].rule == "licence.unknown"
}

test_unrecognised_licence_warns_when_asked if {
	comps := [fx.component({"licence": fx.licence("my-licence", "unknown", [[fx.term("my-licence", "unknown")]])})]
	p := object.union(fx.licence_params, {"unknown": "warn"})
	fs := licence.warn_unknown with input.components as comps with data.aigate.params.licence as p
	count(fs) == 1
}

test_hosted_api_licence_is_not_judged if {
	comps := [fx.component({"role": "hosted-api"})]
	p := fx.licence_params
	count(licence.deny_unknown) == 0 with input.components as comps with data.aigate.params.licence as p
}

test_obligations_are_info if {
	comps := [fx.component({"licence": fx.licence("Apache-2.0", "permissive", [[fx.term("apache-2.0", "permissive")]])})]
	p := fx.licence_params
	fs := licence.info_obligations with input.components as comps with data.aigate.params.licence as p
	count(fs) == 1
}
