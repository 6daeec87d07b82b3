"""``luoshi parse FILE [--json]``: show what the parser reads from a plan document."""

import argparse
import json
import sys

from . import DocumentError, parse
from .render import format_tree


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``luoshi parse``."""
    parser = argparse.ArgumentParser(
        prog="luoshi parse",
        description="解析实施方案文档（txt、docx、html、pdf），列出目标、任务和责任单位。",
    )
    parser.add_argument("file", help="方案文件路径")
    parser.add_argument("--json", action="store_true", help="输出 luoshi.plan/1 JSON")
    return parser


def main(argv: list[str]) -> int:
    """Run ``luoshi parse``; returns the exit status (1 when the file cannot be read)."""
    args = build_parser().parse_args(argv)
    try:
        plan = parse(args.file)
    except DocumentError as exc:
        print(f"无法解析文件：{exc}", file=sys.stderr)
        return 1
    except FileNotFoundError:
        print(f"找不到文件：{args.file}", file=sys.stderr)
        return 1
    except (IsADirectoryError, PermissionError) as exc:
        print(f"无法读取文件：{args.file}（{exc.strerror}）", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(plan, ensure_ascii=False, indent=1))
    else:
        print(format_tree(plan))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
