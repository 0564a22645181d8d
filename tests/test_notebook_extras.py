"""The Extra section's notebooks: 06_optimizers, 07_activations, 08_convolution.

Each runs under papermill with quick settings and parameter sets chosen to break its prose:
one seed, a handful of epochs, another reference network, tiny MLP widths. Every finding a
run renders is checked against the numbers of the same run, read back from its results
document (lab1/study/results.py), never by calling the claim again. The six runs execute
two at a time (one per core) in a module fixture; the models and the claims themselves are
tested in tests/test_study_digits.py and tests/test_claims.py.
"""
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import numpy as np
import pytest

from lab1.study import results as study_results

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
EXTRA = ("06_optimizers", "07_activations", "08_convolution")
HEADINGS = {"06_optimizers": ("# Extra", "## Implement different optimizers"),
            "07_activations": ("## Implement different activation functions",),
            "08_convolution": ("## Implement convolutional layers", "### Convolution on handwritten digits")}
DATASET = {"XOR": "xor", "the linear data": "linear"}
OPTIMIZERS = {"SGD": "sgd", "SGD + momentum": "momentum", "Adagrad": "adagrad", "RMSprop": "rmsprop", "Adam": "adam"}
ACTIVATIONS = {"sigmoid": "sigmoid", "tanh": "tanh", "ReLU": "relu", "leaky ReLU": "leaky_relu"}
RUNS = {
    # another reference network, few epochs: some variants reach 100%, others do not; two seeds
    "optimizers": ("06_optimizers", dict(quick=True, compare_epochs=40, hidden=8, activation="tanh")),
    # one seed, and epochs too few for anything to reach 100%
    "optimizers_one_seed": ("06_optimizers", dict(quick=True, seeds=1, compare_epochs=4)),
    "activations": ("07_activations", dict(quick=True, hidden=[6], compare_epochs=50)),
    "activations_one_seed": ("07_activations", dict(quick=True, seeds=1, compare_epochs=3)),
    "convolution": ("08_convolution", dict(quick=True, mlp_widths=[8, 16], spiral=False)),
    # one epoch and one width; the spiral too
    "convolution_one_epoch": ("08_convolution", dict(quick=True, digits_epochs=1, mlp_widths=[12], spiral=True)),
    # no output activation and ReLU units: plain SGD's loss blows up to a finite 1e50 or so
    "optimizers_blow_up": ("06_optimizers", dict(quick=True, activation="relu", output="identity",
                                                 hidden=[16, 16], compare_epochs=40)),
}
COMPARISONS = ("optimizers", "optimizers_one_seed", "optimizers_blow_up", "activations", "activations_one_seed")


def _execute(notebook, parameters, folder):
    import papermill

    out = folder / f"{notebook}.ipynb"
    papermill.execute_notebook(str(NOTEBOOKS / f"{notebook}.ipynb"), str(out), parameters=parameters,
                               kernel_name="python3", cwd=str(NOTEBOOKS), progress_bar=False)
    nb = nbformat.read(out, as_version=4)
    return nb, study_results.read_notebook(out)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    pytest.importorskip("papermill")
    # one BLAS thread per kernel: two kernels share the two cores instead of fighting over them
    saved = {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MPLBACKEND")}
    os.environ.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    os.environ.pop("MPLBACKEND", None)
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {name: pool.submit(_execute, notebook, parameters, tmp_path_factory.mktemp(name))
                       for name, (notebook, parameters) in RUNS.items()}
            return {name: future.result() for name, future in futures.items()}
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _markdown(nb):
    """Every Markdown text of the run, cells and outputs, in order."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            yield cell.source
        for output in cell.get("outputs", []):
            if "text/markdown" in output.get("data", {}):
                yield output.data["text/markdown"]


def _findings(nb):
    texts = [t for t in _markdown(nb) if t.startswith("**Findings.**")]
    assert len(texts) == 1
    return re.sub(r"\s+", " ", texts[0])


def _sentences(text):
    """The findings' sentences without their citations ('(Figure @fig:x; Table @tbl:y)', or
    '; Figure @fig:x' joined into a closing parenthesis)."""
    sentences = [s for s in re.split(r"(?<=[.)])\s+(?=[A-Z])", text.replace("**Findings.** ", "")) if s]
    refs = r"(?:Figure|Table|Appendix) @[\w:.-]*\w"
    return [re.sub(rf"(?:; {refs})+\)", ")", re.sub(rf" \({refs}(?:; {refs})*\)", "", s)) for s in sentences]


def _number(text):
    """'$1.9 \\times 10^{-8}$', '$0.25$', '1,234', '97.1%' -> float."""
    text = text.strip().strip("$")
    match = re.fullmatch(r"([\d.]+) \\times 10\^\{(-?\d+)\}", text)
    if match:
        return float(match.group(1)) * 10 ** int(match.group(2))
    return float(text.replace(",", "").rstrip("%"))


def _seeds(document, study, dataset, setting):
    """Per-seed run records of the results document matching study, dataset and setting."""
    runs = [r for r in document["runs"] if r["study"] == study and r["dataset"] == dataset
            and all(np.isclose(r["setting"].get(k), v) if isinstance(v, float) else r["setting"].get(k) == v
                    for k, v in setting.items())]
    assert runs, (study, dataset, setting)
    return runs


def _first_epochs(document, study, dataset, key, lr):
    return [r["first_perfect_epoch"] for r in _seeds(document, study, dataset, {study: key, "lr": lr})]


def _names(listed):
    return [n for n in re.split(r", | and | or ", listed) if n]


# --------------------------------------------------------------------------- every notebook

@pytest.mark.parametrize("name", EXTRA)
def test_headings_keep_the_rubric_numbering(name):
    """06 opens the Extra section; 07 and 08 continue it with `##`, so the report reads 5 A-C.
    Each one's appendix part starts with its own `##` heading (lettered in the Appendix)."""
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    main = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown"
                     and "appendix" not in c.metadata.get("tags", []))
    headings = [line for line in main.splitlines() if line.startswith("#")]
    assert headings[:len(HEADINGS[name])] == list(HEADINGS[name])
    assert all(not line.startswith("# ") for line in headings) or name == "06_optimizers"
    appendix = [c for c in nb.cells if "appendix" in c.metadata.get("tags", [])]
    assert appendix and appendix[0].cell_type == "markdown" and appendix[0].source.startswith("## ")
    assert "{#app:" in appendix[0].source


@pytest.mark.parametrize("run", list(RUNS))
def test_every_run_is_clean_numbered_and_in_the_report_formats(executed, run):
    nb, document = executed[run]
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    text = "\n".join(_markdown(nb))
    assert " nan" not in text and "None" not in text and not re.search(r"(?<![\w/])n/a(?![\w/])", text)
    # byte-identical builds: no wall-clock times; numbers in the report's formats
    assert not re.search(r"\d s\b|seconds|per second", text), "wall-clock time in the report"
    assert not re.search(r"\d(\.\d+)?e[-+]\d", text), "number in Python's e-notation"
    assert "after the first epoch" not in text
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert images and all("application/pdf" in o.data for o in images)
    # every figure and table has a numbered caption, and each is cited somewhere in the text
    captions = [o.metadata["lab1_caption"] for c in nb.cells for o in c.get("outputs", [])
                if "lab1_caption" in o.get("metadata", {})]
    assert sum(c["kind"] == "figure" for c in captions) == len(images)
    for caption in captions:
        assert f"@{caption['label']}" in text, f"{caption['label']} is never referred to"
    assert document["notebook"] == RUNS[run][0]


@pytest.mark.parametrize("name, parameter, value, allowed", [
    ("06_optimizers", "seeds", 0, "integer >= 1"),
    ("07_activations", "compare_epochs", 0, "integer >= 1"),
    ("08_convolution", "spiral", "yes", "True or False"),
    ("08_convolution", "mlp_widths", [16, 0], "integer >= 1"),
])
def test_bad_parameter_fails_with_a_clear_message(tmp_path, name, parameter, value, allowed):
    papermill = pytest.importorskip("papermill")
    with pytest.raises(papermill.PapermillExecutionError) as info:
        _execute(name, dict(quick=True, **{parameter: value}), tmp_path)
    assert info.value.ename == "ValueError"
    assert parameter in info.value.evalue and allowed in info.value.evalue


def test_misspelt_parameter_is_rejected(tmp_path):
    """papermill only warns about an unknown name; the notebook raises, naming its parameters."""
    papermill = pytest.importorskip("papermill")
    with pytest.raises(papermill.PapermillExecutionError) as info:
        _execute("08_convolution", dict(quick=True, digit_seeds=2), tmp_path)
    assert "unknown parameter digit_seeds" in info.value.evalue and "digits_seeds" in info.value.evalue


# --------------------------------------------------------------------------- 06 and 07

def _study(run):
    return ("optimizer", OPTIMIZERS) if run.startswith("optimizers") else ("activation", ACTIVATIONS)


def _key(names, name):
    """A variant's key from its name as printed (a name may start a sentence, capitalised)."""
    return {k.lower(): v for k, v in names.items()}[name.lower()]


def _verdict(sentence, first, names):
    """'X is the fastest, by more than the seed spread.' or 'X is not faster than Y and Z by more than the
    seed spread (first epoch at 100%, mean ± std: 15 ± 5 for X, 40 ± 2 for Y, ...)': the numbers and the rule
    (terms.py: lower by more than the larger population std) from the per-seed first epochs, first(name) ->
    [epoch or None], among the variants (names) that bring every seed to 100%."""
    stats = {n: first(n) for n in names}
    stats = {n: v for n, v in stats.items() if all(e is not None for e in v)}
    numbers = re.search(r"\(first epoch at 100%, mean ± std: (.*?)\)", sentence)
    for mean, std, name in re.findall(r"([\d,]+)(?: ± ([\d,]+))? for ([^,]+?)(?:,|$)",
                                      numbers.group(1) if numbers else ""):
        epochs = stats[name]
        assert f"{np.mean(epochs):,.0f}" == mean and f"{np.std(epochs):,.0f}" == (std or "0"), (sentence, name)
    fastest = next(n for n in stats if n.lower() == sentence.split(" is ")[0].lower())
    others = [n for n in stats if n != fastest]

    def beats(other):
        a, b = stats[fastest], stats[other]
        return np.mean(b) - np.mean(a) > max(np.std(a), np.std(b))
    if " is the fastest, " in sentence:
        assert all(beats(n) for n in others), sentence
    else:
        close = _names(re.search(r"is not faster than (.*?) by more than", sentence).group(1))
        assert close == [n for n in others if not beats(n)] and close, sentence


@pytest.mark.parametrize("run", COMPARISONS)
def test_comparison_findings_agree_with_the_runs(executed, run):
    study, names = _study(run)
    nb, document = executed[run]
    chosen = document["parameters"]["chosen_lr"]
    initial = document["parameters"]["initial_loss"]
    seeds = document["parameters"]["seeds"] if not document["parameters"]["quick"] else \
        min(document["parameters"]["seeds"], 2)
    text = _findings(nb)
    datasets = None
    for sentence in _sentences(text):
        matched = False

        def first(name, d):
            return _first_epochs(document, study, d, _key(names, name), chosen[d][_key(names, name)])
        if re.match(r"\S+ is (the fastest|not faster than)", sentence):
            (d,) = datasets                                     # the ranking sentence before it
            _verdict(sentence, lambda name: first(name, d), names)
            continue
        if sentence == "With one seed each, there is no seed spread to judge these differences by.":
            assert seeds == 1
            continue
        where = re.match(r"On (XOR and the linear data|XOR|the linear data)(?: among [^,]*)?, ", sentence)
        assert where, sentence
        datasets = [DATASET[d] for d in where.group(1).split(" and ")] if "XOR and" in where.group(1) \
            else [DATASET[where.group(1)]]
        blew = re.search(r"the loss blew up with (.*?): it ended finite but at least 10 times the loss of the "
                         r"initial weights", sentence)
        if blew:
            (d,) = datasets
            listed = {}
            for item in re.finditer(r"([A-Za-z+ ]+?)(?: \((\d+) of (\d+) seeds?\))?(?:, | and |$)", blew.group(1)):
                listed[item.group(1).strip()] = int(item.group(2) or 1)
            for name, k in listed.items():
                key = _key(names, name)
                finals = [r["train_loss"] for r in _seeds(document, study, d, {study: key, "lr": chosen[d][key]})]
                up = [f is not None and f >= 10 * i for f, i in zip(finals, initial[d][key])]
                assert sum(up) == k, (sentence, name)
            matched = True
        reach = re.search(r"(?:every|the only) seed reaches 100% training accuracy within ([\d,]+) epochs with "
                          r"(?:each of the \d+ \w+|both \w+|the only \w+, (\S+)|(.*?))(?:, but not with (.*?))?"
                          r"\.$", sentence)
        none = re.search(r"no \w+ brings (?:every|the only) seed to 100% training accuracy within ([\d,]+) "
                         r"epochs: not (.*?)\.$", sentence)
        if reach or none:
            for d in datasets:
                works = names if reach and ("each of" in sentence or "both " in sentence) \
                    else _names(reach.group(3) or reach.group(2)) if reach else []
                for name in works:
                    assert all(e is not None for e in first(name, d)), (sentence, name)
                failing = (reach.group(4) if reach else none.group(2)) or ""
                for item in re.finditer(r"([A-Za-z+ ]+?)(?: \((none|\d+) of (\d+) seeds?\))?(?:, | or |$)",
                                        failing):
                    name, k, n = item.group(1).strip(), item.group(2), item.group(3)
                    epochs = first(name, d)
                    assert any(e is None for e in epochs), (sentence, name)
                    if k is not None:
                        assert int(n) == len(epochs) == seeds
                        assert (0 if k == "none" else int(k)) == sum(e is not None for e in epochs)
            matched = True
        fastest = re.search(r"the lowest median first epoch at 100%, ([\d,]+), is reached by (.*?)(?: \(a tie\))?; "
                            r"the highest, ([\d,]+), by (.*?)(?: \(a tie\))?\.$", sentence)
        if fastest:
            (d,) = datasets
            for value, who in ((fastest.group(1), fastest.group(2)), (fastest.group(3), fastest.group(4))):
                for name in _names(who):
                    assert f"{np.median(first(name, d)):,.0f}" == value, (sentence, name)
            matched = True
        equal = re.search(r"at equal effective step \$\\eta/\(1-\\mu\)\$ = ([\d.]+): .*?SGD \+ momentum at lr "
                          r"([\d.]+).*?plain SGD at lr ([\d.]+)", sentence)
        if equal:
            (d,) = datasets
            assert float(equal.group(2)) == chosen[d]["momentum"]
            assert np.isclose(float(equal.group(1)), float(equal.group(2)) / (1 - 0.9))
            assert np.isclose(float(equal.group(3)), float(equal.group(1)))
            spread = re.search(r"\((\d[\d,]*)(?: ± (\d[\d,]*))? against (\d[\d,]*)(?: ± (\d[\d,]*))?\)", sentence)
            if spread:
                for mean, lr, key in ((spread.group(1), equal.group(2), "momentum"),
                                      (spread.group(3), equal.group(3), "sgd")):
                    epochs = _first_epochs(document, study, d, key, float(lr))
                    assert f"{np.mean([e for e in epochs if e]):,.0f}" == mean
            matched = True
        dead = re.search(r"(?:(\d+) of (\d+)|both|all (\d+)|the only) ReLU runs? ends? with dead hidden units, "
                         r"(\d+) of (?:its|their) (\d+)", sentence)
        if dead:
            runs_with_dead = int(dead.group(1) or dead.group(3) or (2 if "both" in sentence else 1))
            total = int(dead.group(2) or dead.group(3) or (2 if "both" in sentence else 1))
            hidden = sum(document["parameters"]["hidden"])
            assert total == seeds and int(dead.group(5)) == runs_with_dead * hidden
            assert 1 <= int(dead.group(4)) <= int(dead.group(5))
        if dead or "no ReLU run ends" in sentence:
            matched = True
        versus = re.search(r"more seeds reach 100% with (.*?) \((\d+) of (\d+)\) than with (.*?) \((\d+) of (\d+)\)",
                           sentence)
        if versus and "equal effective step" not in sentence:
            (d,) = datasets
            for name, k in ((versus.group(1), versus.group(2)), (versus.group(4), versus.group(5))):
                assert sum(e is not None for e in first(name, d)) == int(k), (sentence, name)
        if "with each, " in sentence or "no seed reaches 100% with" in sentence or versus:
            matched = True
        assert matched, f"unchecked sentence: {sentence}"


def _details(nb):
    texts = [re.sub(r"\s+", " ", t) for t in _markdown(nb) if t.lstrip().startswith("**Details.**")]
    assert len(texts) == 1
    return texts[0]


def _mean_loss(document, study, d, key, lr):
    losses = [r["train_loss"] for r in _seeds(document, study, d, {study: key, "lr": lr})]
    return np.mean([v for v in losses if v is not None]) if any(v is not None for v in losses) else None


@pytest.mark.parametrize("run", COMPARISONS)
def test_blown_up_runs_are_said_in_the_findings(executed, run):
    """A chosen run whose finite loss ends at least terms.BLEW_UP times its initial loss is named."""
    study, names = _study(run)
    nb, document = executed[run]
    chosen, initial = document["parameters"]["chosen_lr"], document["parameters"]["initial_loss"]
    text = _findings(nb)
    for d, where in (("xor", "XOR"), ("linear", "the linear data")):
        blown = [name for name, key in names.items() if any(
            r["train_loss"] is not None and r["train_loss"] >= 10 * i
            for r, i in zip(_seeds(document, study, d, {study: key, "lr": chosen[d][key]}), initial[d][key]))]
        said = re.search(rf"On {where}, the loss blew up with (.*?): it ended", text)
        assert bool(blown) == bool(said), (run, d, blown)
        if blown:
            assert all(name in said.group(1) for name in blown)
    if run == "optimizers_blow_up":
        assert "blew up" in text and "blew up" in _details(nb)


@pytest.mark.parametrize("run", COMPARISONS)
def test_details_lowest_loss_oscillation_and_speed_agree_with_the_runs(executed, run):
    study, names = _study(run)
    nb, document = executed[run]
    chosen = document["parameters"]["chosen_lr"]
    details = _details(nb)
    titles = {"XOR": "xor", "Linear": "linear"}
    if study == "optimizer":
        means = {d: {n: _mean_loss(document, study, d, k, chosen[d][k]) for n, k in names.items()} for d in chosen}
        printed = {d: {n: _number(f"{v:.3g}") if v is not None else None for n, v in m.items()}
                   for d, m in means.items()}
        both = re.search(r"(\S+(?: \+ momentum)?) ends with the lowest mean final loss on both data sets", details)
        groups = {}
        if both:
            groups = {d: [both.group(1)] for d in chosen}
        for where, who in re.findall(r"On (XOR|Linear), the lowest mean final loss is (.*?)'s", details):
            groups[titles[where]] = [who]
        for where, who in re.findall(r"On (XOR|Linear), ([^.;]*?) tie for the lowest mean final loss", details):
            groups[titles[where]] = _names(who)
        for where in re.findall(r"On (XOR|Linear), all \d+ optimizers end with the same mean final loss", details):
            groups[titles[where]] = list(names)
        assert set(groups) == set(chosen), details
        for d, group in groups.items():
            low = min(v for v in printed[d].values() if v is not None)
            assert sorted(group) == sorted(n for n, v in printed[d].items() if v == low), (d, group, printed[d])
    window = document["parameters"]["window_loss"]
    assert "while it falls" not in details
    oscillation = re.search(r"Counting a loss as still falling when it ends more than 5% below its value at the "
                            r"start of the last [\d,]* ?epochs?, (.*?)\.(?: [A-Z]|$)", details)
    for part in (oscillation.group(1).split("; ") if oscillation else []):
        kind = ("falls" if part.startswith("it oscillates while it still falls") else
                "none" if part.startswith("it oscillates without still falling") else "some")
        for name, where in re.findall(r"([A-Za-z][A-Za-z+ ]*?) on (XOR|Linear) \(", part):
            name = re.sub(r"^(?:and |it oscillates .*? with )", "", name)
            d, key = titles[where], _key(names, name)
            finals = [r["train_loss"] for r in _seeds(document, study, d, {study: key, "lr": chosen[d][key]})]
            fell = [f < 0.95 * i for f, i in zip(finals, window[d][key]) if f is not None and i is not None]
            assert {"falls": all(fell), "none": not any(fell), "some": 0 < sum(fell) < len(fell)}[kind], (part, name)
    # 'the fastest' only by the rule; every verdict checked against the seeds' first epochs
    assert "the fastest is" not in details
    verdicts = list(re.finditer(r"(?<=\. )\S+ is (?:the fastest, by more than the seed spread\.|not faster than "
                                r"[^(]*\([^)]*\)[^.]*\.)", details))
    for verdict in verdicts:
        d = titles[re.findall(r"On (XOR|Linear), with ", details[:verdict.start()])[-1]]
        _verdict(verdict.group(0), lambda name: _first_epochs(document, study, d, _key(names, name),
                                                              chosen[d][_key(names, name)]), names)


@pytest.mark.parametrize("run", list(RUNS))
def test_grammar_follows_the_numbers_in_every_caption_and_text(executed, run):
    """'1 seed', 'the last epoch', 'the only ReLU run', '2,000 epochs': never '1 seeds' or 'all 1 runs'."""
    nb, _ = executed[run]
    text = re.sub(r"\s+", " ", "\n".join(_markdown(nb)))
    assert not re.search(r"(?<![\d/.,])1 (?:seeds|epochs|runs|hidden units|units|images)\b", text), \
        re.search(r".{60}(?<![\d/.,])1 (?:seeds|epochs|runs|hidden units|units|images)\b.{20}", text)
    assert not re.search(r"\b(?:all|the|those|last) 1 \w+s\b", text)
    assert not re.search(r"\b\d{4,} (?:epochs|seeds)", text), "counts over 999 are written 1,000"
    assert "a common baseline" not in text


def test_one_seed_runs_say_the_only_seed_and_no_spread(executed):
    for run in ("optimizers_one_seed", "activations_one_seed"):
        text = _findings(executed[run][0])
        assert "every seed" not in text and "seed spread" not in text.replace("no seed spread", "")
        assert " ± " not in text


def test_tables_agree_with_the_runs(executed):
    """The 'at 100%' column of each comparison table counts the seeds of the chosen rate."""
    for run, study, names, pretty in (("optimizers", "optimizer", OPTIMIZERS, {"SGD": "sgd"}),
                                      ("activations", "activation", ACTIVATIONS, {"Sigmoid": "sigmoid"})):
        nb, document = executed[run]
        chosen = document["parameters"]["chosen_lr"]
        tables = [t for t in _markdown(nb) if t.startswith('<a id="tbl:0') and "| lr |" in t]
        assert len(tables) == 2
        for table, d in zip(tables, ("xor", "linear")):
            header = [c.strip() for c in table.splitlines()[2].strip("|").split("|")]
            for line in table.splitlines()[4:]:
                cells = [c.strip() for c in line.strip("|").split("|")]
                key = {**{k.lower(): v for k, v in names.items()}, **pretty}.get(cells[0].lower(),
                                                                               cells[0].lower().replace(" ", "_"))
                assert float(cells[1]) == chosen[d][key]
                epochs = _first_epochs(document, study, d, key, chosen[d][key])
                k, n = cells[header.index("at 100%")].split("/")
                assert (int(k), int(n)) == (sum(e is not None for e in epochs), len(epochs))


# --------------------------------------------------------------------------- 08

@pytest.mark.parametrize("run", ["convolution", "convolution_one_epoch"])
def test_convolution_findings_agree_with_the_runs(executed, run):
    nb, document = executed[run]
    text = _findings(nb)
    markdown = "\n".join(_markdown(nb))
    widths = document["parameters"]["mlp_widths"]
    width = re.search(r"one hidden layer of ([\d,]+) ReLU units", markdown)
    assert width and int(width.group(1).replace(",", "")) in widths
    rule = re.search(r"((?:[\d,]+(?:, | and )?)+) hidden units? gave (.*?) mean validation accuracy over seeds 0–2"
                     r"(?: \(the results table averages (seeds? [\d–]+), so its validation column can differ\))?; "
                     r"(?:the rule, the narrowest width within (\d+) validation images? \(([\d.]+) points\) of the "
                     r"best,|with one width tried, the rule had nothing to choose and) keeps ([\d,]+)",
                     re.sub(r"\s+", " ", markdown))
    assert rule, ("the width rule is stated with its numbers", markdown[markdown.find("hidden units gave") - 80:][:400])
    digits_seeds = 1 if document["parameters"]["quick"] else document["parameters"]["digits_seeds"]
    assert rule.group(3) == (None if digits_seeds == 3 else "seed 0" if digits_seeds == 1 else f"seeds 0–{digits_seeds - 1}")
    tried = [int(w.replace(",", "")) for w in _names(rule.group(1))]
    scores = dict(zip(tried, (_number(p) for p in _names(rule.group(2)))))
    kept = int(rule.group(6).replace(",", ""))
    assert tried == widths and kept == int(width.group(1).replace(",", ""))
    assert (rule.group(4) is None) == (len(widths) == 1)
    margin = float(rule.group(5) or 0)
    assert scores[kept] >= max(scores.values()) - margin - 0.1            # printed values round to 0.1
    assert all(scores[w] < max(scores.values()) - margin + 0.1 for w in tried if w < kept)

    def accuracy(model, split):
        return [r[f"{split}_accuracy"] for r in document["runs"] if r["study"] == model]
    labels = {"CNN": "cnn", f"MLP-{kept}": "mlp"}
    labels.update({m.group(0): "mlp_small" for m in re.finditer(r"MLP-\d+", text) if m.group(0) not in labels})
    sentences = _sentences(text)
    for sentence in sentences:
        higher = re.match(r"Test accuracy is higher for the (\S+) than for the (\S+) \(([\d.]+)%(?: ± [\d.]+%)? "
                          r"against ([\d.]+)%", sentence)
        same = re.match(r"Test accuracy is the same for the (\S+) and the (\S+), ([\d.]+)%", sentence)
        spread = re.match(r"On test accuracy, the (\S+) and the (\S+) are within the seed spread", sentence)
        if higher:
            a, b = (accuracy(labels[higher.group(i)], "test") for i in (1, 2))
            assert f"{100 * np.mean(a):.1f}" == higher.group(3) and f"{100 * np.mean(b):.1f}" == higher.group(4)
            assert np.mean(a) > np.mean(b)
        elif same:
            a, b = (accuracy(labels[same.group(i)], "test") for i in (1, 2))
            assert f"{100 * np.mean(a):.1f}" == f"{100 * np.mean(b):.1f}" == same.group(3)
        elif spread:
            assert len(accuracy("cnn", "test")) > 1
        elif sentence.startswith(("All 3 fit", "Training accuracy is")):
            fits = sentence.startswith("All 3 fit")
            train = {k: np.mean(accuracy(k, "train")) for k in ("cnn", "mlp", "mlp_small")}
            assert fits == all(v >= 0.99 for v in train.values())
            for value, name in re.findall(r"([\d.]+)% for the ([^\s,)]+)", sentence):
                assert f"{100 * train[labels[name]]:.1f}" == value, (sentence, name)
            gaps = re.findall(r"(-?[\d.]+) points for the (\S+?)(?:[,.) ]|$)", sentence)
            assert len(gaps) == 3
            for gap, name in gaps:
                model = labels[name]
                shown = 100 * (np.mean(accuracy(model, "train")) - np.mean(accuracy(model, "test")))
                assert f"{shown:.1f}" == gap
        elif sentence.startswith("Every relative error in") or sentence.startswith("The largest relative error"):
            table = next(t for t in _markdown(nb) if t.startswith('<a id="tbl:08_gradcheck"'))
            errors = [_number(e) for e in re.findall(r"\$[\d.]+ \\times 10\^\{-?\d+\}\$|\$[\d.]+\$", table)]
            largest = re.search(r"\(the largest is (\$[^$]+\$)\)", sentence)
            assert largest and _number(largest.group(1)) >= max(errors) * 0.95
        elif "test error" in sentence or "makes no error" in sentence:
            cnn_test = accuracy("cnn", "test")[0]
            n_test = 359
            wrong = re.search(r"makes ([\d,]+) test errors?", sentence)
            assert int(wrong.group(1)) if wrong else 0 == round((1 - cnn_test) * n_test)
        else:
            pytest.fail(f"unchecked sentence: {sentence}")


def test_spiral_loss_is_from_the_initial_weights_and_the_returned_model(executed):
    nb, document = executed["convolution_one_epoch"]
    markdown = re.sub(r"\s+", " ", "\n".join(_markdown(nb)))
    change = re.search(r"The training loss (falls|rises) from (\$[^$]+\$) at the initial weights to (\$[^$]+\$) "
                       r"after training", markdown)
    assert change
    spiral = next(r for r in document["runs"] if r["study"] == "spiral")
    assert np.isclose(_number(change.group(3)), spiral["train_loss"], rtol=5e-3)
    assert (change.group(1) == "falls") == (_number(change.group(3)) < _number(change.group(2)))
    assert "after the first epoch" not in markdown
