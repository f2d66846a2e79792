"""``python -m docs.spec``: rewrite the generated parts of docs/spec/ from forms/."""

from __future__ import annotations

from docs.spec.generate import SPEC_DIR, write_generated

if __name__ == "__main__":
    changed = write_generated(SPEC_DIR)
    print("\n".join(f"已更新 {name}" for name in changed) or "docs/spec 已是最新")
