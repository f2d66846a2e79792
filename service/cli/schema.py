"""``itbforms schema FORM``: print the JSON Schema of a form's record, for integrators."""

from __future__ import annotations

import argparse
import json
import sys

from forms import get_form
from forms.jsonschema import form_json_schema


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("schema", help="输出表单记录的 JSON Schema")
    p.add_argument("form", help="annex1 或 annex2")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    schema = form_json_schema(get_form(args.form))
    json.dump(schema, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0
