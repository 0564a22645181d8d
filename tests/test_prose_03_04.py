"""Notebooks 03 and 04 under parameters chosen to break their prose: every finding they print
must agree with the numbers the same run recorded in its results document
(lab1/study/results.py) and in its own tables.

Every case runs through papermill as the report build runs a notebook, with tiny settings;
all cases of the module execute once, two at a time, before the first check.
"""
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from lab1 import data
from lab1.study import best_linear_accuracy, claims, terms
from lab1.study import claims_sections as say
from lab1.study.finals import Finals
from lab1.study.formatting import mean_std
from lab1.study.results import read_notebook

papermill = pytest.importorskip("papermill")

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
LR, WIDTH = "03_learning_rate", "04_hidden_units"
TINY = dict(seeds=2, epochs=40)
XOR_BOUND = best_linear_accuracy(*data.generate_XOR_easy())

# (notebook, case id, parameters): each case aims at a sentence that used to go wrong
CASES = [
    (LR, "reference-quick", dict(quick=True, lrs=[0.1, 1.0, 10.0])),
    (LR, "all-fail", dict(TINY, lrs=[1e-4, 1e-3])),                         # training that fails
    (LR, "xor-only", dict(TINY, dataset="xor", lrs=[1.0, 10.0], epochs=150)),
    (LR, "linear-only", dict(TINY, dataset="linear", lrs=[0.5, 10.0], epochs=60)),
    (LR, "hidden-1", dict(TINY, hidden=1, lrs=[1.0, 10.0], epochs=100)),
    (LR, "tiny-and-huge", dict(TINY, lrs=[1e-6, 1e6])),                     # issue 9: 'lr = none'
    (LR, "one-seed", dict(seeds=1, epochs=80, lrs=[0.5, 5.0, 50.0])),
    (LR, "three-epochs", dict(seeds=3, epochs=3, lrs=[0.1, 1.0])),
    (LR, "all-tied", dict(TINY, epochs=1, lrs=[0.001, 0.002, 0.003])),      # every rate ties
    (LR, "identity", dict(TINY, activation="identity", lrs=[0.1, 1.0], epochs=60)),
    (LR, "no-bound", dict(TINY, activation="identity", output="identity", lrs=[0.01, 1.0, 5.0])),  # diverges
    (LR, "tanh-bce", dict(TINY, activation="tanh", loss="bce", lrs=[0.5, 5.0], epochs=80)),
    (LR, "relu", dict(seeds=3, epochs=60, activation="relu", lrs=[0.1, 1.0, 30.0])),
    (WIDTH, "reference-quick", dict(quick=True, hidden_units=[1, 2, 8])),
    (WIDTH, "issue-9", dict(TINY, hidden_units=[2, 64], lr=0.1, epochs=120)),   # 'extra units add no accuracy'
    (WIDTH, "xor-only", dict(TINY, dataset="xor", hidden_units=[1, 4], epochs=150, lr=5.0)),
    (WIDTH, "linear-only", dict(TINY, dataset="linear", hidden_units=[1, 8], epochs=60)),
    (WIDTH, "one-width", dict(TINY, hidden_units=[4])),
    (WIDTH, "width-1-2", dict(TINY, hidden_units=[1, 2], epochs=80, lr=5.0)),
    (WIDTH, "one-seed", dict(seeds=1, hidden_units=[2, 4, 16], epochs=80, lr=5.0)),
    (WIDTH, "three-epochs", dict(seeds=3, epochs=3, hidden_units=[1, 8])),
    (WIDTH, "all-fail", dict(TINY, lr=1e-4, hidden_units=[2, 4])),
    (WIDTH, "identity", dict(TINY, activation="identity", hidden_units=[1, 2, 4], epochs=60)),
    (WIDTH, "huge-lr", dict(TINY, lr=1e5, hidden_units=[2, 8])),
    (WIDTH, "deep-tanh", dict(TINY, hidden=[4, 4, 4], activation="tanh", hidden_units=[2, 4], epochs=80)),
    (WIDTH, "all-diverge", dict(TINY, activation="identity", output="identity", lr=2.0, hidden_units=[1, 2])),
    (WIDTH, "h1-one-seed", dict(seeds=1, epochs=40, hidden_units=[1])),       # one width, one network
]

OPTION = {LR: "lr", WIDTH: "hidden"}
NAME = {LR: "lr", WIDTH: "$h$"}
TITLES = {"xor": "XOR", "linear": "Linear"}
CITATION = re.compile(r" \((?:Table|Figure) @[a-z]+:[\w.-]+(?:; (?:Table|Figure) @[a-z]+:[\w.-]+)*\)")


@pytest.fixture(scope="module")
def executed(request, tmp_path_factory):
    """{(notebook, case): (path, error)} for the cases this session selected, run two at a time."""
    folder = tmp_path_factory.mktemp("prose")
    wanted = {tuple(item.callspec.params[k] for k in ("notebook", "case")) for item in request.session.items
              if item.module is request.module and hasattr(item, "callspec")}
    cases = [c for c in CASES if c[:2] in wanted]

    def run(case):
        notebook, name, parameters = case
        out = folder / f"{notebook}-{name}.ipynb"
        try:
            papermill.execute_notebook(str(NOTEBOOKS / f"{notebook}.ipynb"), str(out), parameters=parameters,
                                       kernel_name="python3", cwd=str(NOTEBOOKS), progress_bar=False,
                                       log_output=False)
            return out, None
        except papermill.PapermillExecutionError as error:
            return out, error
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip([c[:2] for c in cases], pool.map(run, cases)))


def markdown_outputs(path):
    import nbformat
    nb = nbformat.read(path, as_version=4)
    return [o.data["text/markdown"] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
            if "text/markdown" in o.get("data", {})]


def pipe_table(markdown):
    """{first cell: {header: cell}} of the first pipe table in a Markdown text."""
    lines = [l.strip() for l in markdown.splitlines() if l.strip().startswith("|")]
    cells = [[c.strip() for c in l.strip("|").split("|")] for l in lines]
    headers, rows = cells[0], cells[2:]
    return {row[0]: dict(zip(headers, row)) for row in rows}


def sentences(paragraph):
    """The sentences of a findings paragraph, citations removed."""
    body = paragraph.split("**", 2)[-1].strip()
    return [CITATION.sub("", s).strip() for s in re.split(r"(?<=\.)\s+(?=[A-Z])", body) if s.strip()]


def value_of(text):
    return float(text) if "." in text or "e" in text else int(text)


def finals_by_dataset(document, option):
    """{dataset: {value: Finals}} from the runs the notebook recorded for its sweep."""
    groups = {}
    for run in document["runs"]:
        if run["study"] == option:
            groups.setdefault(run["dataset"], {}).setdefault(run["setting"][option], []).append(run)
    return {d: {v: Finals.of_runs(runs) for v, runs in sorted(by.items())} for d, by in groups.items()}


def check_table(rows, finals):
    """The table describes the same trained models as the results: accuracy, at 100%, diverged."""
    assert len(rows) == len(finals)
    for value, f in finals.items():
        row = rows[claims.value_text(value)]
        assert row["accuracy"] == mean_std(f.mean(), f.std()) if f.mean() is not None else row["accuracy"] == "n/a"
        assert row["at 100%"] == f"{f.reached}/{f.seeds}"
        if "diverged" in row:
            assert row["diverged"] == f"{f.diverged_count}/{f.seeds}"


def percent_cell(text):
    return float(text.rstrip("%")) / 100


def table_backed(sentence, rows, name):
    """Findings about the loss curves and outputs, checked against the same run's table:
    oscillation (column 'loss rose') and one label everywhere (column 'one label')."""
    values = lambda text: [v.strip() for v in re.split(r",| and ", text) if v.strip()]
    m = re.match(rf"At {re.escape(name)} = (.+?) the loss rose in at least (\d+)% of the epochs: it oscillates\.", sentence)
    if m:
        limit = int(m.group(2)) / 100
        named = values(m.group(1))
        assert all(percent_cell(rows[v]["loss rose"]) >= limit - 5e-4 for v in named), sentence
        rest = re.search(r"At the other (\d+) \w+(?: \w+)? it rose in fewer than", sentence)
        others = [v for v, row in rows.items() if v not in named and row["loss rose"] != "n/a"]
        assert int(rest.group(1)) == len(others) if rest else not others, sentence
        assert all(percent_cell(rows[v]["loss rose"]) < limit + 5e-4 for v in others), sentence
        return True
    m = re.match(rf"At {re.escape(name)} = (.+?) the loss rose in fewer than (\d+)% of the epochs", sentence)
    if m:
        assert all(percent_cell(rows[v]["loss rose"]) < int(m.group(2)) / 100 + 5e-4 for v in values(m.group(1)))
        return True
    m = re.match(rf"At {re.escape(name)} = (.+?), (?:(\d+) of (\d+)|both|all (\d+)|the only) networks? ends? "
                 "predicting", sentence)
    if m:
        named = values(m.group(1))
        counts = [rows[v]["one label"].split("/") for v in named]
        total = sum(int(k) for k, _ in counts)
        stated = (int(m.group(2)) if m.group(2) else 2 if "both" in sentence[:80] else int(m.group(4)) if m.group(4)
                  else 1)
        assert total == stated, sentence
        # out of the networks that did not diverge, at rates where some did not
        kept = [int(n) - int(rows[v].get("diverged", f"0/{n}").split("/")[0]) for v, (_, n) in zip(named, counts)]
        assert all(kept), sentence
        networks = int(m.group(3)) if m.group(3) else 2 if "both" in sentence[:80] else total
        assert networks == sum(kept), sentence
        return True
    return False


CITE_WHOLE = re.compile(r" \((?:(?:Table|Figure|Appendix) @[a-z]+:[\w.-]+(?:; )?)+\)")
CITE_INSIDE = re.compile(r"; (?:Table|Figure|Appendix) @[a-z]+:[\w.-]+(?=[;)])")


CONTINUED = ("At the other ", "With only two units")     # sentences that go on from the one before


def split(text):
    """The claims of a paragraph, one per sentence (a continuing sentence kept with the one
    before), citations removed."""
    text = CITE_INSIDE.sub("", CITE_WHOLE.sub("", text))
    out = []
    for sentence in (s.strip() for s in re.split(r"(?<=[.])\s+(?=[A-Z])", text) if s.strip()):
        if out and sentence.startswith(CONTINUED):
            out[-1] += " " + sentence
        else:
            out.append(sentence)
    return out


def expected_findings(notebook, dataset, finals, parameters):
    """Every sentence the notebook may print about one data set, from the recorded numbers."""
    name, noun_of_value = ("lr", "learning rate") if notebook == LR else ("$h$", "width")
    works = [v for v, f in finals.items() if f.reached == f.seeds]
    out = [claims.reach_for(finals, name, noun_of_value),
           claims.divergence({v: (f.diverged_count, f.seeds) for v, f in finals.items()}, name)]
    if not works:
        one = next(iter(finals.values())).seeds == 1
        out.append(claims.ranking({f"{name} = {claims.value_text(v)}": f.mean() for v, f in finals.items()},
                                  "accuracy" if one else "mean accuracy"))
    reached = [v for v, f in finals.items() if f.median_first() is not None]
    if len(reached) > 1:
        seeds = next(iter(finals.values())).seeds
        out.append(claims.trend([(f"{name} = {claims.value_text(v)}", finals[v].median_first()) for v in reached],
                                "the median first epoch at 100% (of the seeds that get there)" if seeds > 1 else
                                "the first epoch at 100%", noun_of_value, claims.count, tolerance=terms.ABOUT_SAME,
                                seeds=[np.where(finals[v].first_perfect > 0, finals[v].first_perfect, np.nan)
                                       for v in reached]))
    if notebook == WIDTH:
        labels = {f"$h$ = {h}": f for h, f in finals.items()}
        if dataset == "linear":
            out.append(claims.no_gain({k: f.val_accuracy for k, f in labels.items()}, "validation accuracy",
                                      "width"))
        else:
            if not works:
                out.append(claims.no_gain({k: f.accuracy for k, f in labels.items()}, "training accuracy", "width"))
            linear = parameters.get("activation") == "identity"
            lines = list(finals) if linear else [h for h in finals if h == 1]
            if lines:
                out.append(say.line_bound(XOR_BOUND, np.concatenate([finals[h].accuracy for h in lines]),
                                          networks="networks" if linear else "networks with one unit per layer"))
            if 2 in finals and not linear:
                wider = any(f.reached == f.seeds for h, f in finals.items() if h > 2)
                out.append(say.two_units(finals[2], wider_work=wider))
    return {s for text in out if text for s in split(text)}


def findings_after(outputs, heading):
    """The findings paragraph ('**Findings.** ...') that follows the Markdown heading."""
    start = next(i for i, o in enumerate(outputs) if o.startswith(heading))
    for output in outputs[start:]:
        if "**Findings.**" in output:
            return output.split("**Findings.**", 1)[1]
    raise AssertionError(f"no findings after {heading}")


def check_every_rate_list(outputs, dataset, finals, name):
    """Appendix: '- lr = v: <who reaches 100%> (mean accuracy x%); ...' for every value."""
    block = next((o for o in outputs if o.startswith(f"**{TITLES[dataset]}, every ")), None)
    if block is None:
        return
    for value, f in finals.items():
        line = next(l for l in block.splitlines() if l.startswith(f"- {name} = {claims.value_text(value)}:"))
        mean = "accuracy" if f.seeds == 1 else "mean accuracy"
        scores = f"{mean} {claims.percent(f.mean())}" if f.mean() is not None else "every run diverged"
        assert f"{claims.reach_phrase(f)} ({scores})" in line, line


@pytest.mark.parametrize("notebook, case, parameters", CASES, ids=[f"{n[:2]}-{c}" for n, c, _ in CASES])
def test_every_finding_agrees_with_the_numbers(notebook, case, parameters, executed):
    path, error = executed[notebook, case]
    assert error is None, f"{notebook} failed with {parameters}: {error}"
    document = read_notebook(path)
    finals = finals_by_dataset(document, OPTION[notebook])
    outputs = markdown_outputs(path)
    text = "\n".join(outputs)
    asked = parameters.get("dataset", "both")
    assert list(finals) == (["xor", "linear"] if asked == "both" else [asked])
    # a data set is named only when it was run; no broken number anywhere
    if "linear" not in finals:
        assert "linear data" not in text and "### Linear" not in text
    if "xor" not in finals:
        assert "XOR" not in text
    for broken in (r"\bnan\b(?! or inf)", r"\bNone\b(?! of)", r"= none\b", r"(?<!nan or )\binf\b"):
        assert not re.search(broken, text), re.search(broken, text)
    seeds = next(iter(next(iter(finals.values())).values())).seeds
    if seeds == 1:          # one seed: no median, no band, no mean
        assert "black bar" not in text and "light band" not in text and "mean accuracy" not in text
    if notebook == LR:      # Section 4 opens with what is not varied: the learning rate is
        opening = next(o for o in outputs if "everything not varied" in o)
        assert "learning rate" not in opening.split("everything not varied", 1)[1].split(")", 1)[0]
    if notebook == WIDTH:
        widths = parameters.get("hidden_units")
        if parameters.get("activation") == "identity":     # straight lines only: no 'more lines'
            assert "more lines" not in text
        if len(widths) == 1:
            assert not re.search(r"parameters at \$h\$ = \d+ against", text)     # one width: nothing to compare
    if "No run diverged" in text:
        assert not any(f.diverged_count for by_value in finals.values() for f in by_value.values())
    name = NAME[notebook]
    for dataset, by_value in finals.items():
        table = next(o for o in outputs if f'id="tbl:{"lr" if notebook == LR else "width"}-{dataset}"' in o)
        rows = pipe_table(table.split("\n\n", 1)[1])
        check_table(rows, by_value)
        expected = expected_findings(notebook, dataset, by_value, document["parameters"])
        found = split(findings_after(outputs, f"### {TITLES[dataset]}"))
        for sentence in found:
            assert sentence in expected or table_backed(sentence, rows, name), \
                f"{case}, {dataset}: a finding that the numbers do not give:\n{sentence}"
        if notebook == LR:      # every rate whose loss oscillates is called so, whether it works or not
            bumpy = [v for v, row in rows.items() if row["loss rose"] != "n/a"
                     and percent_cell(row["loss rose"]) >= terms.OSCILLATING]
            said = " ".join(s for s in found if s.endswith("it oscillates.") or "it oscillates. " in s)
            assert all(re.search(rf"\b{re.escape(v)}\b", said) for v in bumpy), (case, bumpy, said)
        check_every_rate_list(outputs, dataset, by_value, name)
    if notebook == LR and len(finals) == 2:
        works = {d: [v for v, f in by_value.items() if f.reached == f.seeds] for d, by_value in finals.items()}
        expected = {s for t in (claims.works_on_each(works, "lr", "learning rate"), say.fails_first(works, "lr"))
                    if t for s in split(t)}
        found = split(findings_after(outputs, "### Both data sets"))
        for sentence in found:
            if sentence.startswith("At lr = ") and ("falls below" in sentence or "fall below" in sentence):
                check_plateau(sentence, found)
            elif not sentence.endswith(("starts on a long plateau, where the gradient is small.",
                                        "stays on the plateau, where the gradient is small.")):
                assert sentence in expected, f"{case}: a finding that the numbers do not give:\n{sentence}"


def check_plateau(sentence, found):
    """'XOR starts on a long plateau' (or 'stays on the plateau', when no seed leaves it) exactly
    when the medians the sentence gives say so."""
    names = {"XOR": "xor", "the linear data": "linear"}
    median = {names[d]: float(n.replace(",", "")) for n, d in
              re.findall(r"after a median of ([\d,]+) epochs? on (XOR|the linear data)", sentence)}
    never = {names[d]: who for who, d in
             re.findall(r"(no seed gets|the only seed does not get|only \d+ of the \d+ seeds gets?|not every seed "
                        r"gets) below it within [\d,]+ epochs? on (XOR|the linear data)", sentence)}
    assert set(median) | set(never) == {"xor", "linear"} and not set(median) & set(never), sentence
    if not median:
        assert sentence.startswith("At lr = ") and "does not fall below" in sentence, sentence

    def slower(d, other):
        return other in median and (d in never or median[d] >= terms.LONG_PLATEAU * median[other])
    for d, other, title in (("xor", "linear", "XOR"), ("linear", "xor", "The linear data")):
        stays = never.get(d, "").startswith(("no seed", "the only seed"))
        long = f"{title} starts on a long plateau, where the gradient is small." in found
        stayed = f"{title} stays on the plateau, where the gradient is small." in found
        assert (long or stayed) == slower(d, other) and not (stayed and not stays) and not (long and stays), \
            (sentence, long, stayed)
