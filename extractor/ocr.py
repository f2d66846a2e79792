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


class OcrUnavailable(OwnFault, RuntimeError):
    """The recognition engine or its packaged models are missing: the installation is incomplete."""


@dataclass(frozen=True)
class TextBox:
    """One line of text found on a page image: the text, its box in pixels (x0, top, x1, bottom) and the
    engine's confidence (0–1)."""

    text: str
    bbox: tuple[float, float, float, float]
    confidence: float


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
            "Rec.model_path": str(models / REC_MODEL),
            "EngineConfig.onnxruntime.intra_op_num_threads": THREADS,
            "EngineConfig.onnxruntime.inter_op_num_threads": THREADS,
        }
    )


def recognise(image: np.ndarray) -> list[TextBox]:
    """The lines of text on ``image`` (an H×W×3 BGR array), top to bottom."""
    result = engine()(image)
    if result.boxes is None or result.txts is None:  # a blank page
        return []
    out = []
    for box, text, score in zip(result.boxes, result.txts, result.scores, strict=True):
        xs, ys = [float(p[0]) for p in box], [float(p[1]) for p in box]
        if text.strip():
            out.append(TextBox(text.strip(), (min(xs), min(ys), max(xs), max(ys)), float(score)))
    out.sort(key=lambda b: (b.bbox[1], b.bbox[0]))
    return out
