"""Small fixtures shared by the stage tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests (tests/test_fuzz.py): a modest default, more with HYPOTHESIS_PROFILE=ci
# or fuzz.  No example database: nothing is written into the checkout.
settings.register_profile("default", max_examples=40, deadline=None, database=None)
settings.register_profile("ci", max_examples=150, deadline=None, database=None)
settings.register_profile("fuzz", max_examples=5000, deadline=None, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# The prefilter keeps its compiled databases under $ETHICSCAN_CACHE; the suite (and
# the scans it starts in subprocesses, which inherit this) keeps them in a folder of
# its own, so it neither reads nor writes the user's cache.
if "ETHICSCAN_CACHE" not in os.environ:
    import atexit
    import shutil
    import tempfile

    _cache = tempfile.mkdtemp(prefix="ethicscan-test-cache-")
    os.environ["ETHICSCAN_CACHE"] = _cache
    atexit.register(shutil.rmtree, _cache, True)

REPO_ROOT = Path(__file__).resolve().parent.parent

# A camera-SDK style C header: a race enum and a skin-colour enum inside a per-face
# attribute result, with Chinese comments (种族 race, 肤色 skin colour, 人脸 face).
FACE_HEADER = """\
/*
 * face_attr.h  人脸属性分析接口
 */

/* 种族类型 */
typedef enum tagEM_RACE_TYPE
{
    EM_RACE_UNKNOWN = 0,    /* 未知 */
    EM_RACE_YELLOW,         /* 黄种人 */
    EM_RACE_BLACK,          /* 黑人 */
    EM_RACE_WHITE,          /* 白人 */
} EM_RACE_TYPE;

/* 肤色类型 */
typedef enum tagEM_SKIN_COLOR
{
    EM_SKIN_COLOR_UNKNOWN = 0,  /* 未知 */
    EM_SKIN_COLOR_YELLOW,       /* 黄 */
    EM_SKIN_COLOR_BLACK,        /* 黑 */
    EM_SKIN_COLOR_WHITE,        /* 白 */
} EM_SKIN_COLOR;

/* 单个人脸的属性分析结果 */
typedef struct tagFACE_ATTR_RESULT
{
    int           nFaceId;       /* 人脸编号 */
    int           nAge;          /* 年龄 */
    EM_RACE_TYPE  emRace;        /* 种族 */
    int           nRaceScore;    /* 种族置信度 0-100 */
    EM_SKIN_COLOR emSkinColor;   /* 肤色 */
} FACE_ATTR_RESULT;

int FACE_AnalyzeFrame(const unsigned char *pImage, FACE_ATTR_RESULT *pResults);
"""


@pytest.fixture
def repo_root() -> Path:
    """The root of the ethicscan repository (where pyproject.toml is)."""
    return REPO_ROOT


@pytest.fixture
def in_repo_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test with the repository root as the working directory."""
    monkeypatch.chdir(REPO_ROOT)
    return REPO_ROOT


@pytest.fixture
def face_header_text() -> str:
    return FACE_HEADER


@pytest.fixture
def face_header_gbk() -> bytes:
    """The face header encoded as GBK, as Chinese vendor SDKs ship it."""
    return FACE_HEADER.encode("gbk")
