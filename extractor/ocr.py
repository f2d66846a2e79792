"""The text-recognition engine (the only module that imports rapidocr): PP-OCR detection and recognition
models run by onnxruntime on the CPU.

The models are the ones packaged inside the rapidocr wheel, named by path, so constructing the engine
never downloads anything; a missing model file is our installation's fault (``OcrUnavailable``), not the
user's. One engine per process, built on first use (~0.1 s), since the bundle's worker processes each
recognise their own files.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from forms.errors import OwnFault

#: The packaged PP-OCR models (detection and recognition, "small" Chinese + Latin + digits + symbols).
DET_MODEL = "PP-OCRv6_det_small.onnx"
REC_MODEL = "PP-OCRv6_rec_small.onnx"
#: Threads of one recognition: the bundle runs one process per core, so each recognises on one thread.
THREADS = 1
#: Longest side (pixels) of the image text *detection* runs on: a 200-dpi A4 page is scaled down to it for
#: finding the lines, whose text is then read at the engine's own resolution. The detector's memory and
#: time grow with the pixels it sees: on the example scans of both forms, 1600 finds the same fields as the
#: whole page (342/346) with 23 % less CPU and a peak of ~600 MB a process instead of ~850; 1280 loses
#: rows of a dense table.
DET_MAX_SIDE = 1600


class OcrUnavailable(OwnFault, RuntimeError):
    """The recognition engine or its packaged models are missing: the installation is incomplete."""


@dataclass(frozen=True)
class Glyph:
    """One character of a recognised line: its text, its left and right edge in pixels, the engine's
    confidence in it and whether a space comes before it in the line's text."""

    text: str
    x0: float
    x1: float
    score: float
    space_before: bool = False


@dataclass(frozen=True)
class TextBox:
    """One line of text found on a page image: the text, its box in pixels (x0, top, x1, bottom), the
    engine's confidence (0–1) and its characters where the engine placed them (empty when it did not)."""

    text: str
    bbox: tuple[float, float, float, float]
    confidence: float
    glyphs: tuple[Glyph, ...] = ()


def model_dir() -> Path:
    """Where the packaged models are (inside the installed rapidocr package)."""
    import rapidocr

    return Path(rapidocr.__file__).parent / "models"


@lru_cache(maxsize=1)
def engine() -> Any:
    """The process's recognition engine, built from the packaged model files (no download)."""
    try:
        from rapidocr import RapidOCR
    except ImportError as exc:  # pragma: no cover - an installation without the dependency
        raise OcrUnavailable(f"文字识别组件未安装（{exc}）") from None
    models = model_dir()
    for name in (DET_MODEL, REC_MODEL):
        if not (models / name).is_file():
            raise OcrUnavailable(f"文字识别模型文件缺失：{models / name}")
    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return RapidOCR(
        params={
            "Global.use_cls": False,  # pages are upright after deskewing: the orientation model is not run
            "Global.log_level": "error",
            "Det.model_path": str(models / DET_MODEL),
            "Det.limit_type": "max",
            "Det.limit_side_len": DET_MAX_SIDE,
            "Rec.model_path": str(models / REC_MODEL),
            "EngineConfig.onnxruntime.intra_op_num_threads": THREADS,
            "EngineConfig.onnxruntime.inter_op_num_threads": THREADS,
        }
    )


def recognise(image: np.ndarray) -> list[TextBox]:
    """The lines of text on ``image`` (an H×W×3 BGR array), top to bottom."""
    result = engine()(image, return_word_box=True, return_single_char_box=True)
    if result.boxes is None or result.txts is None:  # a blank page
        return []
    words = result.word_results or ()
    if len(words) != len(result.txts):  # the engine leaves out lines it placed no character of
        words = ((),) * len(result.txts)
    out = []
    for box, text, score, chars in zip(result.boxes, result.txts, result.scores, words, strict=True):
        xs, ys = [float(p[0]) for p in box], [float(p[1]) for p in box]
        if text.strip():
            bbox = (min(xs), min(ys), max(xs), max(ys))
            out.append(TextBox(text.strip(), bbox, float(score), _glyphs(text.strip(), chars)))
    out.sort(key=lambda b: (b.bbox[1], b.bbox[0]))
    return out


def _glyphs(text: str, chars: Any) -> tuple[Glyph, ...]:
    """The characters of a line as the engine placed them (``(text, score, corner points)`` each), matched
    to the line's text so as to know where its spaces were; none when they do not spell the text."""
    glyphs = []
    at = 0
    for char, score, points in chars:
        space = False
        while text[at : at + 1] == " ":
            at, space = at + 1, True
        if text[at : at + len(char)] != char:
            return ()
        xs = [float(p[0]) for p in points]
        glyphs.append(Glyph(char, min(xs), max(xs), float(score), space))
        at += len(char)
    return tuple(glyphs) if at == len(text) else ()
