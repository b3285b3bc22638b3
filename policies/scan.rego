# Scan completeness: what the scan could not read was not judged, so it must show.
#
# input.inventory.skipped_files lists every file or folder the scan did not read, and why:
# (a BOM from another tool that does not say what it read is judged the same way)
# unreadable, larger than a reader's bound, a symlink out of the scanned root, deeper than
# the folder limit, past the file-count limit, a parse that failed or timed out.
#
# Parameters (data.aigate.params.scan):
#   unknown: deny | warn | info | allow - what a tree the scan could not fully read means
# METADATA
# scope: package
# description: The rules read what the scan read and skipped, never a component.
# custom:
#   input:
#     roles: []
package aigate.rules.scan

params := data.aigate.params.scan

skipped := object.get(input.inventory, "skipped_files", [])

shown := [concat("", [s.path, " (", s.reason, ")"]) | some s in array.slice(skipped, 0, 5)]

more := "" if count(skipped) <= 5

more := sprintf("; and %d more", [count(skipped) - 5]) if count(skipped) > 5

incomplete := array.concat(skipped_findings, unstated)

# A BOM that does not say what was read (another tool's): what it left out is unknown.
unstated := [f |
	object.get(input.inventory, "files_scanned", null) == null
	f := {
		"rule": "scan.incomplete",
		"msg": "the input does not say which files were read (a BOM from another tool?), so what it left out was not judged, nor are the weight files it lists inspected",
		"facts": {"fact": "inventory.files_scanned", "value": null},
	}
]

skipped_findings := [f |
	count(skipped) > 0
	f := {
		"rule": "scan.incomplete",
		"msg": concat("", [sprintf("%d file(s) or folder(s) were not read, so what they hold was not judged: ", [count(skipped)]), concat("; ", shown), more]),
		"facts": {"fact": "inventory.skipped", "value": count(skipped), "skipped": array.slice(skipped, 0, 20)},
		"evidence": [{"file": s.path} | some s in skipped],
	}
]

# METADATA
# title: Part of the tree was not read
# description: The scan skipped files or folders it could not read (unreadable, oversized, symlinks out of the root, past the depth or file-count limit, parse failures), or the input is a BOM that does not say what was read, so a model reference, weight file or assistant config there was not judged. The pack's `unknown` parameter decides whether that blocks.
# custom:
#   id: scan.incomplete
#   severity: medium
#   level: warn
#   regulation: NIST SP 800-218 (PS.3, PW.4); CycloneDX ML-BOM completeness
#   remediation: Make the files readable or smaller, or leave what is not part of the release out of the scan (.aigateignore, --exclude); `aigate scan` lists every skipped path with its reason.
warn_incomplete := incomplete if params.unknown == "warn"

deny_incomplete := incomplete if params.unknown == "deny"

info_incomplete := incomplete if params.unknown == "info"
