package aigate.rules.scan_test

import data.aigate.rules.scan

skipped := [
	{"path": "app/big.py", "reason": "larger than 1000000 bytes: not parsed"},
	{"path": "models/link", "reason": "symlink out of the scanned root"},
]

inv(files) := {"files_scanned": 10, "skipped": count(files), "skipped_files": files, "notes": [], "history": null}

test_skipped_files_warn_and_are_listed if {
	i := inv(skipped)
	p := {"unknown": "warn"}
	fs := scan.warn_incomplete with input.inventory as i with data.aigate.params.scan as p
	count(fs) == 1
	fs[0].rule == "scan.incomplete"
	contains(fs[0].msg, "2 file(s)")
	contains(fs[0].msg, "app/big.py (larger than 1000000 bytes: not parsed)")
	[e.file | some e in fs[0].evidence] == ["app/big.py", "models/link"]
	not fs[0].component
}

test_skipped_files_follow_the_unknown_parameter if {
	i := inv(skipped)
	strict := {"unknown": "deny"}
	count(scan.deny_incomplete) == 1 with input.inventory as i with data.aigate.params.scan as strict
	not scan.warn_incomplete with input.inventory as i with data.aigate.params.scan as strict
	quiet := {"unknown": "info"}
	count(scan.info_incomplete) == 1 with input.inventory as i with data.aigate.params.scan as quiet
	allowed := {"unknown": "allow"}
	not scan.deny_incomplete with input.inventory as i with data.aigate.params.scan as allowed
	not scan.warn_incomplete with input.inventory as i with data.aigate.params.scan as allowed
	not scan.info_incomplete with input.inventory as i with data.aigate.params.scan as allowed
}

test_a_complete_scan_is_silent if {
	i := inv([])
	p := {"unknown": "deny"}
	count(scan.deny_incomplete) == 0 with input.inventory as i with data.aigate.params.scan as p
}

test_many_skipped_files_are_summarised if {
	i := inv([{"path": sprintf("f%d", [n]), "reason": "cannot read"} | some n in numbers.range(1, 8)])
	p := {"unknown": "warn"}
	fs := scan.warn_incomplete with input.inventory as i with data.aigate.params.scan as p
	endswith(fs[0].msg, "; and 3 more")
	count(fs[0].evidence) == 8
}

test_a_bom_that_does_not_say_what_was_read_is_incomplete if {
	i := {"files_scanned": null, "skipped": 0, "skipped_files": [], "notes": [], "history": null}
	p := {"unknown": "deny"}
	fs := scan.deny_incomplete with input.inventory as i with data.aigate.params.scan as p
	count(fs) == 1
	contains(fs[0].msg, "does not say which files were read")
	ok := {"files_scanned": 3, "skipped": 0, "skipped_files": [], "notes": [], "history": null}
	count(scan.deny_incomplete) == 0 with input.inventory as ok with data.aigate.params.scan as p
}
