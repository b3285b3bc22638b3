"""The short human summary of an inventory that ``aigate scan`` prints."""

from __future__ import annotations

from collections import Counter

from gate.model import Inventory


def _files(inventory: Inventory) -> str:
    if inventory.files_scanned is None:
        return "an unknown number of files (the BOM does not say)"
    return f"{inventory.files_scanned} files"


def summarise(inventory: Inventory) -> str:
    """A short human summary of an inventory."""
    comps = inventory.components
    if not comps:
        return (
            f"no AI components detected in {_files(inventory)} ({len(inventory.skipped)} skipped)"
        )
    roles = Counter(c.role for c in comps)
    parts = [f"{n} {role.value}" for role, n in sorted(roles.items(), key=lambda x: x[0].value)]
    lines = [f"{len(comps)} AI components in {_files(inventory)}: " + ", ".join(parts)]
    width = min(60, max(len(c.id) for c in comps))
    for comp in comps:
        country = comp.publisher.country if comp.publisher and comp.publisher.country else "?"
        publisher = comp.publisher.name if comp.publisher else "unknown publisher"
        licence = comp.licence.expression if comp.licence else "no licence stated"
        served = f", served from {comp.served_by.country or '?'}" if comp.served_by else ""
        head = f"  {comp.id:<{width}}  {comp.role.value:<16}"
        lines.append(f"{head} {publisher} [{country}]{served}; {licence}")
        if comp.lineage:
            chain = " ← ".join(
                f"{a.name} [{a.publisher.country if a.publisher and a.publisher.country else '?'}]"
                for a in comp.lineage
            )
            lines.append(f"  {'':<{width}}  lineage: {chain}")
        facts = [
            f"{key} {comp.properties[key]}"
            for key in ("architecture", "quantization", "parameters")
            if key in comp.properties
        ]
        if facts:
            lines.append(f"  {'':<{width}}  {', '.join(facts)}")
        for wf in comp.files:
            digest = f"sha256 {wf.sha256[:16]}…" if wf.sha256 else "not hashed"
            lines.append(f"  {'':<{width}}  file: {wf.path} ({wf.format}, {wf.size} B, {digest})")
        # One line per distinct risk: a pickle's six unsafe imports of one kind read once.
        risks = Counter((r.kind, r.detail) for r in comp.risks)
        for (kind, detail), n in risks.items():
            where = f" ({n} places)" if n > 1 else ""
            lines.append(f"  {'':<{width}}  risk: {kind}: {detail}{where}")
    if inventory.skipped:
        from gate.report.text import skipped_lines

        lines.extend(skipped_lines(inventory))
    for note in inventory.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines)
