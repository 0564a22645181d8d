"""The Introduction's preview of Sections 4 and 5 (lab1/study/preview.py) on hand-made results
documents: each sentence where it holds, where it does not, on ties, with one seed, with
notebooks missing and with diverged runs; and its place in the report build
(report/build_preview.py) on tiny notebooks."""
import json
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from nbformat.v4.rwbase import rejoin_lines

from lab1.study.activations import ACTIVATION_NAMES
from lab1.study.optimizers import OPTIMIZER_NAMES
from lab1.study.results import MIME_TYPE as RESULTS_MIME
from lab1.study.preview import (digits, fastest, findings_preview, learning_rates, widths,
                                without_activations)
from report_helpers import BUILD, REPO, load_report, needs_tex, output_cell

sys.path.insert(0, str(REPO / "report"))          # the build_* modules import each other


def run(study, dataset, setting, seed=0, accuracy=1.0, first=10, diverged=False, test=None, epochs=100):
    """One run record of the results schema (lab1/study/results.py)."""
    return dict(study=study, dataset=dataset, setting=setting, seed=seed, epochs=epochs,
                train_accuracy=None if diverged else accuracy, train_loss=None if diverged else 0.01,
                val_accuracy=None, val_loss=None, test_accuracy=test, test_loss=None,
                first_perfect_epoch=first, diverged=diverged, diverged_epoch=5 if diverged else None,
                stop_reason="diverged" if diverged else "completed")


def document(notebook, runs, **parameters):
    return dict(schema="lab1.results/1", notebook=notebook, parameters=parameters, runs=runs)


def seeds(study, dataset, setting, firsts, accuracy=None):
    """One run per entry of firsts (the first epoch at 100%, None: never)."""
    return [run(study, dataset, setting, seed=i, first=f,
                accuracy=(1.0 if f else 0.75) if accuracy is None else accuracy)
            for i, f in enumerate(firsts)]


def sweep(study, option, dataset, works, fails, n=2):
    """Every seed reaches 100% at the values works, none at the values fails."""
    return [r for v in sorted(works + fails)
            for r in seeds(study, dataset, {option: v}, [10] * n if v in works else [None] * n)]


# --------------------------------------------------------------------------- Section 4.A

def lr_doc(xor_works, linear_works, lrs=(0.1, 1.0, 10.0), n=2):
    runs = []
    for d, works in (("xor", xor_works), ("linear", linear_works)):
        if works is not None:
            runs += sweep("lr", "lr", d, list(works), [v for v in lrs if v not in works], n)
    return {"03_learning_rate": document("03_learning_rate", runs)}


def test_learning_rates_at_which_every_seed_reaches_100():
    assert learning_rates(lr_doc([1.0, 10.0], [0.1, 1.0, 10.0])) == (
        "Every seed reaches 100% training accuracy at lr = 1 and 10 on XOR and at lr = 0.1, 1 and "
        "10 on the linear data (Section 4.A).")
    assert learning_rates(lr_doc([1.0], None)) == (
        "Every seed reaches 100% training accuracy at lr = 1 on XOR (Section 4.A).")


def test_learning_rates_none_reaching_100_is_said_not_hidden():
    assert learning_rates(lr_doc([], [1.0])) == (
        "Every seed reaches 100% training accuracy at lr = 1 on the linear data; on XOR no learning "
        "rate does (Section 4.A).")
    assert learning_rates(lr_doc([], [])) == (
        "No learning rate brings every seed to 100% training accuracy on XOR or the linear data "
        "(Section 4.A).")


def test_learning_rates_one_seed_and_a_seed_that_misses():
    assert learning_rates(lr_doc([10.0], None, n=1)) == (
        "The only seed reaches 100% training accuracy at lr = 10 on XOR (Section 4.A).")
    runs = seeds("lr", "xor", {"lr": 1.0}, [10, None]) + seeds("lr", "xor", {"lr": 10.0}, [5, 7])
    assert learning_rates({"x": document("x", runs)}) == (
        "Every seed reaches 100% training accuracy at lr = 10 on XOR (Section 4.A).")


def test_diverged_runs_never_reached_100():
    runs = [run("lr", "xor", {"lr": 100.0}, seed=0, first=None, diverged=True),
            run("lr", "xor", {"lr": 100.0}, seed=1, first=3)]
    assert learning_rates({"x": document("x", runs)}) == (
        "No learning rate brings every seed to 100% training accuracy on XOR (Section 4.A).")


# --------------------------------------------------------------------------- Section 4.B

def width_doc(xor_works, linear_works, hs=(1, 2, 4, 8), n=2):
    runs = []
    for d, works in (("xor", xor_works), ("linear", linear_works)):
        if works is not None:
            runs += sweep("hidden", "hidden", d, list(works), [h for h in hs if h not in works], n)
    return {"04_hidden_units": document("04_hidden_units", runs)}


def test_smallest_width_from_which_every_seed_reaches_100():
    assert widths(width_doc([4, 8], [2, 4, 8])) == (
        "From $h$ = 4 units per hidden layer on XOR and $h$ = 2 on the linear data, every width tried "
        "(up to $h$ = 8) brings every seed to 100% training accuracy (Section 4.B).")
    # a narrow width that works below one that fails does not start the run of widths
    assert widths(width_doc([1, 4, 8], None)) == (
        "From $h$ = 4 units per hidden layer on XOR, every width tried (up to $h$ = 8) brings every "
        "seed to 100% training accuracy (Section 4.B).")


def test_widths_when_the_widest_fails_only_the_widest_works_or_none_works():
    assert widths(width_doc([2], [1, 2, 4, 8])) == (
        "From $h$ = 1 unit per hidden layer on the linear data, every width tried (up to $h$ = 8) "
        "brings every seed to 100% training accuracy; on XOR every seed reaches 100% only at "
        "$h$ = 2 (Section 4.B).")
    text = widths(width_doc([], [2, 4]))
    assert text == ("On XOR no width brings every seed to 100% training accuracy; on the linear data "
                    "every seed reaches 100% only at $h$ = 2 and 4 (Section 4.B).")
    assert "From" not in text
    assert widths(width_doc([8], [4, 8])) == (
        "From $h$ = 4 units per hidden layer on the linear data, every width tried (up to $h$ = 8) "
        "brings every seed to 100% training accuracy; on XOR every seed reaches 100% only at $h$ = 8 "
        "(Section 4.B).")


def test_widths_with_one_seed():
    assert widths(width_doc([4, 8], None, n=1)) == (
        "From $h$ = 4 units per hidden layer on XOR, every width tried (up to $h$ = 8) brings the "
        "only seed to 100% training accuracy (Section 4.B).")
    assert widths(width_doc([], None, n=1)) == (
        "On XOR no width brings the only seed to 100% training accuracy (Section 4.B).")


# --------------------------------------------------------------------------- Section 4.C

def no_activation_doc(accuracies, reference=(1.0, 1.0), diverged=0):
    runs = [run("no activation", "xor", {"variant": "identity hidden", "lr": 1.0}, seed=i, accuracy=a,
                first=None) for i, a in enumerate(accuracies)]
    runs += [run("no activation", "xor", {"variant": "no activation", "lr": 1.0}, seed=i, first=None,
                 diverged=True) for i in range(diverged)]
    runs += [run("no activation", "linear", {"variant": "identity hidden", "lr": 1.0}, accuracy=1.0)]
    runs += [run("reference", "xor", {"variant": "reference", "lr": 1.0}, seed=i, accuracy=a)
             for i, a in enumerate(reference)]
    return {"05_no_activation": document("05_no_activation", runs)}


def test_no_activation_best_against_the_reference():
    assert without_activations(no_activation_doc([0.524, 0.762, 0.619])) == (
        "On XOR, the best of the 3 networks without hidden activations ends at 76.2%, below the "
        "best reference network's 100.0% (Section 4.C).")
    # diverged networks are left out of the best, and said
    assert without_activations(no_activation_doc([0.762, 0.5], diverged=2)) == (
        "On XOR, the best of the 2 networks without hidden activations that did not diverge ends at "
        "76.2%, below the best reference network's 100.0% (Section 4.C).")


def test_no_activation_never_says_below_when_it_is_not():
    text = without_activations(no_activation_doc([0.762], reference=(0.5238, 0.619)))
    assert text == ("On XOR, the only network without hidden activations ends at 76.2%, above the "
                    "best reference network's 61.9% (Section 4.C).")
    assert "below" not in text
    # the reference's best, not its mean: a mean below a good seed is no "below the reference"
    assert "above" not in without_activations(no_activation_doc([0.762], reference=(0.5238, 1.0)))
    tie = without_activations(no_activation_doc([0.7619], reference=(0.76195,)))
    assert tie == ("On XOR, the only network without hidden activations ends at 76.2%, the same as the "
                   "reference network's 76.2% (Section 4.C).")


def test_no_activation_all_diverged_or_no_reference():
    assert without_activations(no_activation_doc([], diverged=3)) == (
        "On XOR, all 3 networks without hidden activations diverged (Section 4.C).")
    assert without_activations(no_activation_doc([0.5, 0.75], reference=())) == (
        "On XOR, the best of the 2 networks without hidden activations ends at 75.0% (Section 4.C).")


# --------------------------------------------------------------------------- Section 5.A, 5.B

def variants_doc(study, option, firsts, chosen, other_lr=0.5):
    """firsts: {data set: {variant: [first epoch per seed]}} at the chosen rate; the same variants
    at other_lr reach 100% at epoch 1 (they must not count: not the chosen rate)."""
    runs = []
    for d, by_v in firsts.items():
        for v, fs in by_v.items():
            runs += seeds(study, d, {option: v, "lr": chosen[d][v]}, fs)
            runs += seeds(study, d, {option: v, "lr": other_lr}, [1] * len(fs))
    return {"06": document("06", runs, chosen_lr=chosen)}


def optimizers(firsts, chosen=None):
    chosen = chosen or {d: {v: 1.0 for v in by_v} for d, by_v in firsts.items()}
    return fastest(variants_doc("optimizer", "optimizer", firsts, chosen), "optimizer", "optimizer",
                   OPTIMIZER_NAMES)


HEAD = "With each optimizer at its chosen learning rate, "


def test_one_optimizer_fastest_on_both_data_sets():
    text = optimizers({"xor": {"sgd": [200, 300, 250], "adam": [130, 140, 136], "rmsprop": [5, 6, None]},
                       "linear": {"sgd": [300, 320, 340], "adam": [20, 24, 30]}})
    assert text == HEAD + ("Adam brings every seed to 100% training accuracy fastest on both data sets "
                           "(median epoch 136 on XOR and 24 on the linear data; Section 5.A).")
    assert "RMSprop" not in text        # faster, but not every seed got there


def test_different_optimizers_fastest_and_ties():
    assert optimizers({"xor": {"sgd": [200, 240], "adam": [100, 120]},
                       "linear": {"sgd": [30, 40], "momentum": [50, 60]}}) == HEAD + (
        "Adam brings every seed to 100% training accuracy fastest on XOR (median epoch 110) and SGD on "
        "the linear data (median epoch 35; Section 5.A).")
    text = optimizers({"xor": {"sgd": [100, 120], "adam": [110, 110], "momentum": [300, 300]}})
    assert text == HEAD + ("SGD and Adam tie for fastest to bring every seed to 100% training accuracy "
                           "on XOR (median epoch 110; Section 5.A).")
    assert "brings" not in text
    # medians that print the same tie: 110.5 and 110 both read 110
    assert "SGD and Adam tie" in optimizers({"xor": {"sgd": [110, 111], "adam": [110, 110]}})
    assert optimizers({"xor": {"sgd": [10, 10], "adam": [20, 20]},
                       "linear": {"sgd": [7, 7], "adam": [7, 7]}}) == HEAD + (
        "SGD brings every seed to 100% training accuracy fastest on XOR (median epoch 10); SGD and Adam "
        "tie for fastest on the linear data (median epoch 7; Section 5.A).")
    assert optimizers({"xor": {"sgd": [7, 7], "adam": [7, 7]},
                       "linear": {"sgd": [10, 10], "adam": [20, 20]}}) == HEAD + (
        "SGD and Adam tie for fastest to bring every seed to 100% training accuracy on XOR (median "
        "epoch 7); SGD is fastest on the linear data (median epoch 10; Section 5.A).")


def test_variants_nothing_to_rank():
    # fewer than two variants bring every seed to 100%: no claim of a fastest
    assert optimizers({"xor": {"sgd": [None, 10], "adam": [20, 30]}}) is None
    assert optimizers({"xor": {"sgd": [None, None], "adam": [None, 3]}}) is None
    # only the data set with something to rank is named
    assert optimizers({"xor": {"sgd": [None, 10], "adam": [20, 30]},
                       "linear": {"sgd": [8, 8], "adam": [9, 9]}}) == HEAD + (
        "SGD brings every seed to 100% training accuracy fastest on the linear data (median epoch 8; "
        "Section 5.A).")


def test_variants_only_at_the_chosen_rate_and_one_seed():
    chosen = {"xor": {"sigmoid": 10.0, "tanh": 3.0}}
    doc = variants_doc("activation", "activation", {"xor": {"sigmoid": [239], "tanh": [40]}}, chosen)
    assert fastest(doc, "activation", "hidden activation", ACTIVATION_NAMES) == (
        "With each hidden activation at its chosen learning rate, tanh brings the only seed to 100% "
        "training accuracy fastest on XOR (epoch 40; Section 5.B).")
    doc["06"]["parameters"] = {}            # no chosen rates: nothing to say
    assert fastest(doc, "activation", "hidden activation", ACTIVATION_NAMES) is None


# --------------------------------------------------------------------------- Section 5.C

def digits_doc(cnn, mlp, small, test=True):
    runs = []
    for study, parameters, scores in (("cnn", 2730, cnn), ("mlp", 7510, mlp), ("mlp_small", 2710, small)):
        runs += [run(study, "digits", {"model": study, "parameters": parameters}, seed=i, first=None,
                     test=s) for i, s in enumerate(scores)]
    return {"08_convolution": document("08_convolution", runs)}


def test_cnn_against_the_mlps():
    assert digits(digits_doc([0.99, 0.988, 0.989], [0.96, 0.97, 0.962], [0.96, 0.955, 0.965])) == (
        "On the handwritten digits, the CNN's mean test accuracy over 3 seeds, 98.9%, is higher than "
        "the MLP-100's (96.4%) and the MLP-36's (96.0%; Section 5.C).")


def test_cnn_not_higher_is_not_said_higher():
    text = digits(digits_doc([0.95], [0.97], [0.9502]))
    assert text == ("On the handwritten digits, the CNN's test accuracy (1 seed), 95.0%, is the same as "
                    "the MLP-36's (95.0%) and lower than the MLP-100's (97.0%; Section 5.C).")
    assert "higher" not in text


def test_digits_missing_scores():
    assert digits(digits_doc([0.99, None], [], [])) is None          # nothing to compare with
    assert digits(digits_doc([None], [0.9], [0.9])) is None          # no CNN score
    assert digits(digits_doc([0.99, None], [0.9], [])) == (
        "On the handwritten digits, the CNN's test accuracy (1 seed), 99.0%, is higher than the "
        "MLP-100's (90.0%; Section 5.C).")


# --------------------------------------------------------------------------- the paragraph

def test_preview_joins_the_sentences_in_section_order_and_skips_missing_notebooks():
    docs = {**lr_doc([1.0], [1.0]), **digits_doc([0.99], [0.9], [0.9]),
            "02_results": None, **no_activation_doc([0.75])}
    text = findings_preview(docs)
    assert text == " ".join([learning_rates(docs), without_activations(docs), digits(docs)])
    assert [text.index(s) for s in ("4.A", "4.C", "5.C")] == sorted(text.index(s) for s in ("4.A", "4.C", "5.C"))
    assert "4.B" not in text and "5.A" not in text


def test_preview_is_none_without_any_findings():
    assert findings_preview({}) is None
    assert findings_preview(None) is None
    assert findings_preview({"01_setup": document("01_setup", []), "02_results": None}) is None


# --------------------------------------------------------------------------- the report build
# report/build_preview.py on tiny notebooks: the preview goes right after the cell tagged
# `preview` of the merged notebook, before captions are resolved, and into the PDF's key.


build_preview, build_merge, build_captions = (load_report(n) for n in ("build_preview", "build_merge",
                                                                        "build_captions"))


def markdown_output(text, **metadata):
    return new_output("display_data", data={"text/markdown": text}, metadata=metadata)


def executed_pair(preview_tag=True):
    """(name, executed notebook dict) pairs: an Introduction with a preview cell, a notebook
    with a figure and its results document, one without results."""
    intro = new_notebook(cells=[new_markdown_cell("# Introduction"),
                                output_cell(markdown_output("SECTIONTHREE preview."),
                                            tags=["preview"] if preview_tag else []),
                                new_markdown_cell("# Experiment setups")])
    doc = lr_doc([1.0], None)["03_learning_rate"]
    later = new_notebook(cells=[
        new_markdown_cell("## Try different learning rates"),
        output_cell(new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<fig>"}),
                    markdown_output("Figure 1. Curves.", lab1_caption={"kind": "figure", "label": "fig:lr",
                                                                       "caption": "Curves."})),
        output_cell(new_output("display_data", data={RESULTS_MIME: doc, "text/plain": "<results>"}),
                    tags=["remove_cell"])])
    plain = new_notebook(cells=[new_markdown_cell("## Nothing measured")])
    return [(n, json.loads(nbformat.writes(nb))) for n, nb in
            (("01_intro.ipynb", intro), ("03_learning_rate.ipynb", later), ("04_none.ipynb", plain))]


def merged_of(executed):
    """Merged as build.make_pdf merges them."""
    pairs = [(n, rejoin_lines(nbformat.from_dict(nb))) for n, nb in executed]
    return build_merge.merge_notebooks(pairs, {"student_name": "x", "student_id": "1"})


def test_preview_made_from_the_results_documents_of_the_executed_notebooks():
    executed = executed_pair()
    assert list(build_preview.documents(executed)) == ["03_learning_rate"]
    text = build_preview.preview_text(executed)
    assert text == "Every seed reaches 100% training accuracy at lr = 1 on XOR (Section 4.A)."
    assert text == findings_preview(build_preview.documents(executed))
    assert build_preview.preview_text(executed_pair(preview_tag=False)) is None   # no one shows it


def test_preview_inserted_after_the_tagged_cell_before_captions_are_resolved():
    merged = merged_of(executed_pair())
    text = build_preview.preview_text(executed_pair()) + " Curves: Figure @fig:lr."
    assert build_preview.insert(merged, text)
    build_captions.resolve(merged)
    kinds = [(c.cell_type, c.source if c.cell_type == "markdown" else c.outputs[0].data.get("text/markdown"))
             for c in merged.cells]
    at = next(i for i, c in enumerate(merged.cells) if "preview" in c.metadata.get("tags", []))
    assert kinds[at] == ("code", "SECTIONTHREE preview.")
    cell_type, source = kinds[at + 1]
    assert cell_type == "markdown" and source.startswith("Every seed reaches 100% training accuracy at lr = 1")
    assert source.endswith("Curves: Figure \\protect\\hyperlink{fig:lr}{1}.")     # references resolved
    assert kinds[at + 2][1].startswith("# Experiment setups")
    assert merged.cells[at + 1].id == f"{merged.cells[at].id}-preview"
    assert len({c.id for c in merged.cells}) == len(merged.cells)
    assert not any(RESULTS_MIME in o.get("data", {}) for c in merged.cells for o in c.get("outputs", []))


def test_nothing_inserted_without_text_or_tagged_cell():
    merged = merged_of(executed_pair())
    before = nbformat.writes(merged)
    assert not build_preview.insert(merged, None) and not build_preview.insert(merged, "")
    untagged = merged_of(executed_pair(preview_tag=False))
    assert not build_preview.insert(untagged, "Some preview.")
    assert nbformat.writes(merged) == before
    assert all("Some preview." not in c.source for c in untagged.cells)


def test_pdf_key_changes_with_the_preview(tmp_path):
    build = load_report("build")
    (tmp_path / "01_intro.ipynb").write_text("{}\n")
    meta, fonts = {"student_name": "x"}, {"mono": None}
    key = build.pdf_key(tmp_path, meta, fonts, "Preview A.")
    assert key == build.pdf_key(tmp_path, meta, fonts, "Preview A.")
    assert key != build.pdf_key(tmp_path, meta, fonts, "Preview B.")
    assert key != build.pdf_key(tmp_path, meta, fonts, None)


@needs_tex
def test_pdf_has_the_preview_at_the_end_of_the_introduction(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    doc = lr_doc([1.0, 10.0], [1.0])["03_learning_rate"]
    params = new_code_cell("quick = False")
    params.metadata["tags"] = ["parameters"]
    preview = new_code_cell("from IPython.display import Markdown\nMarkdown('SECTIONTHREE preview.')")
    preview.metadata["tags"] = ["preview"]
    publish = new_code_cell("from IPython.display import display\n"
                            f"display({{{RESULTS_MIME!r}: {doc!r}, 'text/plain': 'results'}}, raw=True)")
    publish.metadata["tags"] = ["remove_cell"]
    for name, cells in (("01_intro.ipynb", [params, new_markdown_cell("# Introduction\n\nINTROTEXT"), preview]),
                        ("02_lr.ipynb", [params, new_markdown_cell("# Discussion\n\n## Learning rates"),
                                         publish])):
        nb = new_notebook(cells=cells)
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, notebooks / name)
    out = tmp_path / "report.pdf"
    result = subprocess.run([sys.executable, str(BUILD), "--notebooks", str(notebooks), "--build-dir",
                             str(tmp_path / "build"), "--out", str(out), "--draft"], capture_output=True,
                            text=True, timeout=300, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    text = " ".join(subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    sentence = ("Every seed reaches 100% training accuracy at lr = 1 and 10 on XOR and at lr = 1 on the "
                "linear data (Section 4.A).")
    assert f"SECTIONTHREE preview. {sentence} 2 Discussion" in text
    record = json.loads(Path(out.with_suffix(".build.json")).read_text())
    assert record["key"]


def test_a_lowest_median_within_the_seed_spread_is_not_called_fastest():
    # Adam's median is the lowest, but its seeds spread over SGD's: Section 5's rule names no fastest
    text = optimizers({"xor": {"sgd": [150, 160, 170], "adam": [50, 136, 260], "momentum": [900, 950, 1000]}})
    assert text == HEAD + ("no optimizer brings every seed to 100% training accuracy faster than every other by "
                           "more than the seed spread on XOR (the lowest median epoch, 136, is Adam's; Section 5.A).")
    text = optimizers({"xor": {"sgd": [150, 160, 170], "adam": [50, 136, 260]},
                       "linear": {"sgd": [300, 320, 340], "adam": [20, 24, 30]}})
    assert text.endswith("is Adam's); Adam is fastest on the linear data (median epoch 24; Section 5.A).")
