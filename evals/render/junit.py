"""A comparison as JUnit XML: what CI systems (GitLab, Jenkins, GitHub test reporters) show.

One test case per compared run, failed with the gate's messages for that run, so a
regression appears in the CI's test view next to the unit tests. The reference run is the
yardstick, not a test, unless it is the only run (then the absolute gate applies to it).
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from evals.compare import Comparison


def comparison_junit(comp: Comparison) -> str:
    """The comparison as a JUnit XML document (one ``testsuite``)."""
    gated = comp.runs if len(comp.runs) == 1 else comp.runs[1:]
    suite = ET.Element("testsuite", name="newsbrief eval compare", tests=str(len(gated)))
    props = ET.SubElement(suite, "properties")
    for key, value in (
        ("reference", comp.reference.run_id),
        ("articles", len(comp.articles)),
        ("fail_under", comp.fail_under),
        ("max_drop", comp.max_drop),
        ("n_boot", comp.n_boot),
        ("seed", comp.seed),
    ):
        if value is not None:
            ET.SubElement(props, "property", name=key, value=str(value))
    failed = 0
    macro = comp.row("macro_f1")
    index = {run.run_id: i for i, run in enumerate(comp.runs)}
    for run in gated:
        case = ET.SubElement(
            suite,
            "testcase",
            classname="newsbrief.eval.compare",
            name=f"{run.run_id} ({run.model}, {run.prompt})",
        )
        value = macro.cells[index[run.run_id]].value
        out = ET.SubElement(case, "system-out")
        out.text = f"macro F1 {'—' if value is None else f'{value:.3f}'}"
        mine = [f for f in comp.failures if f.startswith(f"{run.label}:")]
        if mine:
            failed += 1
            failure = ET.SubElement(case, "failure", type="gate", message=mine[0])
            failure.text = "\n".join(mine)
    suite.set("failures", str(failed))
    ET.indent(suite)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suite, "unicode") + "\n"


__all__ = ["comparison_junit"]
