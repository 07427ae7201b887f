"""``convgui exercises``: formats from the extension or --format, the sheet and its key, the
options, and one-line errors with nothing written. In-process (``convgui.cli.main``) except one
subprocess run of the real command."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from convgui import cli

REPO = Path(__file__).resolve().parents[2]
TOPICS = ["output-size", "value", "rgb", "pooling", "merge", "parameters", "no-output"]


def exercises(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = cli.main(["exercises", *args])
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(code: int, err: str, *fragments: str) -> None:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("convgui: error: "), err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def test_markdown_sheet_and_key(tmp_path, capsys):
    sheet, key = tmp_path / "sheet.md", tmp_path / "key.md"
    code, out, err = exercises(capsys, "-o", str(sheet), "--answers", str(key), "--seed", "7",
                               "--count", "9")
    assert code == 0 and err == ""
    assert out.strip() == (f"wrote {sheet} and {key}: 9 exercises · difficulty medium · "
                           "seed 7 · all topics")
    text, answers = sheet.read_text(encoding="utf-8"), key.read_text(encoding="utf-8")
    headings = re.findall(r"^## \d+\. (.+)$", text, re.MULTILINE)
    assert len(headings) == 9 and headings == re.findall(r"^## \d+\. (.+)$", answers,
                                                         re.MULTILINE)
    assert headings[0] == "Output size" and headings[7] == "Output size"  # topics take turns
    assert "**Answer:" not in text and answers.count("**Answer: ") == 9
    assert "Worked solution:" in answers
    assert "--count 9 --seed 7 --difficulty medium" in text


@pytest.mark.parametrize("ext, magic", [(".md", b"# Convolution exercises"),
                                        (".html", b"<!DOCTYPE html>"), (".htm", b"<!DOCTYPE"),
                                        (".pdf", b"%PDF-"), (".json", b"[")])
def test_the_format_comes_from_the_extension(tmp_path, capsys, ext, magic):
    out = tmp_path / f"sheet{ext}"
    code, _, err = exercises(capsys, "-o", str(out), "--count", "3", "--seed", "1")
    assert code == 0, err
    assert out.read_bytes().startswith(magic)


def test_format_option_wins_and_the_key_uses_its_own_extension(tmp_path, capsys):
    sheet, key = tmp_path / "sheet.txt", tmp_path / "key.pdf"
    code, _, err = exercises(capsys, "-o", str(sheet), "--answers", str(key), "--format",
                             "json", "--count", "4", "--seed", "2")
    assert code == 0, err
    assert len(json.loads(sheet.read_text(encoding="utf-8"))) == 4
    assert key.read_bytes().startswith(b"%PDF-")
    other = tmp_path / "key.answers"  # no known extension: the sheet's format
    code, _, err = exercises(capsys, "-o", str(tmp_path / "s.html"), "--answers", str(other),
                             "--count", "2", "--seed", "2")
    assert code == 0, err
    root = ET.fromstring(other.read_text(encoding="utf-8").removeprefix("<!DOCTYPE html>\n"))
    assert "Worked solution" in "".join(root.itertext())


def test_json_sheet_and_key(tmp_path, capsys):
    sheet, key = tmp_path / "quiz.json", tmp_path / "quiz-key.json"
    code, _, err = exercises(capsys, "-o", str(sheet), "--answers", str(key), "--topics",
                             "parameters,no-output", "--count", "6", "--seed", "5",
                             "--difficulty", "hard")
    assert code == 0, err
    items = json.loads(sheet.read_text(encoding="utf-8"))
    assert [item["topic"] for item in items] == ["parameters", "no-output"] * 3
    for item in items:
        assert list(item) == ["topic", "question", "params", "answer"]
        if item["topic"] == "parameters":
            p = item["params"]
            kh, kw = p["kernel_shape"]
            assert item["answer"] == kh * kw * p["in_channels"] * p["filters"] + p["filters"]
    keyed = json.loads(key.read_text(encoding="utf-8"))
    assert [k["answer"] for k in keyed] == [i["answer"] for i in items]
    assert all(k["solution"] and all(isinstance(s, str) for s in k["solution"]) for k in keyed)


def test_the_same_seed_gives_the_same_files_and_no_seed_prints_a_new_one(tmp_path, capsys):
    files = []
    for run in range(2):
        for ext in (".md", ".json"):
            out = tmp_path / f"run{run}{ext}"
            code, _, err = exercises(capsys, "-o", str(out), "--seed", "42", "--count", "7",
                                     "--difficulty", "easy")
            assert code == 0, err
            files.append(out.read_bytes())
    assert files[0] == files[2] and files[1] == files[3]
    code, out, _ = exercises(capsys, "-o", str(tmp_path / "fresh.md"), "--count", "2")
    seed = re.search(r"seed (\d+)", out).group(1)
    assert code == 0 and f"--seed {seed} " in (tmp_path / "fresh.md").read_text("utf-8")


@pytest.mark.parametrize("args, fragments", [
    (["-o", "{d}/sheet.txt"], ("cannot tell the format", "sheet.txt", ".md")),
    (["-o", "{d}/sheet.md", "--topics", "value,convolution"],
     ("unknown topic 'convolution'", "output-size")),
    (["-o", "{d}/sheet.md", "--count", "0"], ("count must be 1 to 1000",)),
    (["-o", "{d}/sheet.md", "--count", "many"], ("expected a whole number",)),
    (["-o", "{d}/sheet.md", "--seed", "-3"], ("seed must be 0",)),
    (["-o", "{d}/sheet.md", "--difficulty", "extreme"], ("invalid choice: 'extreme'",)),
    (["-o", "{d}/sheet.md", "--format", "docx"], ("invalid choice: 'docx'",)),
    (["-o", "{d}/sheet.md", "--answers", "{d}/sheet.md"], ("same file",)),
    (["-o", "{d}/sheet.md", "--answers", "{d}/missing/key.md"],
     ("cannot write", "key.md", "the folder does not exist")),
    (["-o", "{d}/missing/sheet.md"], ("the folder does not exist",)),
    (["--count", "3"], ("-o/--output",)),
])
def test_errors_are_one_line_and_nothing_is_written(tmp_path, capsys, args, fragments):
    code, out, err = exercises(capsys, *(a.format(d=tmp_path) for a in args))
    assert_one_line_error(code, err, *fragments)
    assert out == "" and sorted(os.listdir(tmp_path)) == []


def test_a_failed_run_leaves_an_existing_sheet_untouched(tmp_path, capsys):
    sheet = tmp_path / "sheet.md"
    sheet.write_text("the teacher's own sheet\n", encoding="utf-8")
    code, _, err = exercises(capsys, "-o", str(sheet), "--answers",
                             str(tmp_path / "nope" / "key.md"))
    assert code == 2 and err
    assert sheet.read_text(encoding="utf-8") == "the teacher's own sheet\n"
    assert sorted(os.listdir(tmp_path)) == ["sheet.md"]  # no temporary file left behind


def test_the_real_command(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONIOENCODING="utf-8",
               CONVGUI_HOME=str(tmp_path / "home"))
    command = [sys.executable, "-m", "convgui", "exercises"]
    # the two commands run side by side (each is mostly Python starting up)
    done, refused = (subprocess.Popen([*command, *args], cwd=tmp_path, env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True, encoding="utf-8")
                     for args in (["-o", "s.pdf", "--answers", "k.md", "--seed", "3"],
                                  ["-o", "s.doc"]))
    _out, done_err = done.communicate(timeout=120)
    _out, refused_err = refused.communicate(timeout=120)
    assert done.returncode == 0, done_err
    assert (tmp_path / "s.pdf").read_bytes().startswith(b"%PDF-")
    assert (tmp_path / "k.md").read_text("utf-8").count("**Answer: ") == 10
    assert refused.returncode == 2 and "Traceback" not in refused_err
    assert refused_err.strip().splitlines() == [
        "convgui: error: cannot tell the format of 's.doc' from its extension: use .md, "
        ".html, .pdf or .json, or --format"
    ]
    assert not (tmp_path / "s.doc").exists()


def test_help_names_every_topic_and_format(capsys):
    code, out, _ = exercises(capsys, "--help")
    assert code == 0
    assert all(t in out for t in TOPICS)
    assert all(option in out for option in ("--answers", "--count", "--seed", "--difficulty",
                                            "--topics", "--format"))


def test_the_docs_example_sheet_is_what_the_command_makes(tmp_path, capsys):
    sheet, key = tmp_path / "exercises.md", tmp_path / "exercises-answers.md"
    code, _, err = exercises(capsys, "-o", str(sheet), "--answers", str(key), "--count", "7",
                             "--seed", "14", "--difficulty", "medium")
    assert code == 0, err
    docs = REPO / "docs" / "examples"
    assert (docs / "exercises.md").read_bytes() == sheet.read_bytes()
    assert (docs / "exercises-answers.md").read_bytes() == key.read_bytes()
