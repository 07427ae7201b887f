"""``convgui exercises``: write a generated exercise sheet and, optionally, its answer key."""

from __future__ import annotations

import argparse
import os
import secrets

from convgui.atomic import atomic_write, quote_path
from convgui.cli.errors import CLIError
from convgui.exercises.catalog import DIFFICULTIES, FORMATS, TOPICS, format_for_path, parse_topics

__all__ = ["MAX_COUNT", "add_exercises_parser", "cmd_exercises"]

MAX_COUNT = 1000
_MAX_SEED = 2**63 - 1


def _count(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= value <= MAX_COUNT:
        raise argparse.ArgumentTypeError(f"count must be 1 to {MAX_COUNT}, got {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 0 <= value <= _MAX_SEED:
        raise argparse.ArgumentTypeError(f"seed must be 0 to {_MAX_SEED}, got {value}")
    return value


def _topics(text: str) -> tuple[str, ...]:
    try:
        return parse_topics(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def add_exercises_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``exercises`` subcommand to the ``convgui`` subparsers ``sub``."""
    p = sub.add_parser(
        "exercises", help="write a generated exercise sheet and its answer key",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Generate convolution exercises and write them to SHEET; with --answers, write\n"
            "the answer key with worked solutions too. Every answer is computed by the\n"
            "engine and the shape functions. The same --seed (with the same --count,\n"
            "--difficulty and --topics) gives the same sheet on every machine.\n"
            "Formats, from the extension unless --format is given: .md (Markdown), .html\n"
            "(one self-contained, printable page), .pdf and .json (a list of {topic,\n"
            "question, params, answer}; the key adds the worked solution). The key uses its\n"
            "own extension's format, or the sheet's when its extension is none of these.\n"
            f"Topics: {', '.join(TOPICS)}."
        ),
        epilog=(
            "examples:\n"
            "  convgui exercises -o sheet.md --answers key.md --seed 7\n"
            "  convgui exercises -o sheet.pdf --answers key.pdf --count 12 --difficulty hard\n"
            "  convgui exercises -o quiz.json --topics value,pooling --count 20 --seed 3"
        ),
    )
    p.add_argument("-o", "--output", required=True, metavar="SHEET",
                   help="the student sheet to write (replaced atomically if it exists)")
    p.add_argument("--answers", metavar="KEY",
                   help="also write the answer key, with worked solutions, to KEY")
    p.add_argument("--count", type=_count, default=10, metavar="N",
                   help=f"number of exercises, 1 to {MAX_COUNT} (default 10); the topics take "
                        "turns")
    p.add_argument("--seed", type=_seed, metavar="S",
                   help="seed of the random values (default: a new one, printed and written "
                        "on the sheet)")
    p.add_argument("--difficulty", choices=DIFFICULTIES, default="medium",
                   help="easy, medium (default) or hard")
    p.add_argument("--topics", type=_topics, default=TOPICS, metavar="LIST",
                   help=f"comma-separated topics (default all): {', '.join(TOPICS)}")
    p.add_argument("--format", choices=FORMATS, dest="sheet_format",
                   help="md, html, pdf or json (default: from SHEET's extension)")
    p.set_defaults(func=cmd_exercises)


def cmd_exercises(args: argparse.Namespace) -> int:
    """Generate the exercises, render the sheet (and key), write them atomically."""
    from convgui.exercises.generate import generate_sheet  # NumPy and the engine: only here
    from convgui.exercises.render import SheetInfo, render

    sheet_format = args.sheet_format or format_for_path(args.output)
    if sheet_format is None:
        raise CLIError(
            f"cannot tell the format of {quote_path(args.output)} from its extension: use .md, "
            ".html, .pdf or .json, or --format"
        )
    outputs = [(args.output, sheet_format, False)]
    if args.answers is not None:
        if os.path.realpath(args.answers) == os.path.realpath(args.output):
            raise CLIError("--answers names the same file as -o: the key would replace the "
                           "sheet")
        outputs.append((args.answers, format_for_path(args.answers) or sheet_format, True))
    for path, _, _ in outputs:
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise CLIError(f"cannot write {quote_path(path)}: the folder does not exist")
    seed = args.seed if args.seed is not None else secrets.randbelow(1_000_000)
    exercises = generate_sheet(args.count, seed, difficulty=args.difficulty,
                               topics=args.topics)
    info = SheetInfo(seed=seed, difficulty=args.difficulty, topics=tuple(args.topics))
    rendered = [(path, render(exercises, info, fmt, key=key)) for path, fmt, key in outputs]
    for path, data in rendered:
        atomic_write(path, lambda fh, data=data: fh.write(data))
    written = " and ".join(f"{path}" for path, _ in rendered)
    print(f"wrote {written}: {info.summary(len(exercises))}")
    return 0
