"""extract.decode: bytes to text in the encodings source code really uses; binary
formats are refused with a reason; nothing ever raises anything but NotText."""

from __future__ import annotations

import codecs
import random

import pytest

from ethicscan.extract.decode import NotText, decode

TEXT = "int emRace;  // 种族 race\nint emSkinColor;  // 肤色\n"

# A realistic vendor header comment in Simplified Chinese (long enough for detection).
GBK_HEADER = """\
/*
 * 人脸属性分析接口头文件
 * 说明：本接口返回检测到的人脸的年龄、性别、肤色、民族等属性，供上层应用使用。
 * 注意：调用前请先初始化算法句柄，并保证输入图像为有效的彩色图像。
 * 版本：V1.2.0
 */
typedef struct tagFACE_ATTR
{
    int nAge;                   /* 年龄 */
    int nSex;                   /* 性别：0-未知 1-男 2-女 */
    int nNation;                /* 民族代码，参见国家标准 */
    int nSkinColor;             /* 肤色：0-未知 1-黄 2-黑 3-白 */
} FACE_ATTR;
"""

BIG5_GUIDE = """\
人臉屬性分析模組說明
本模組輸出種族屬性：黃種人、白種人、黑種人，並附帶置信度。
使用前請先完成人臉偵測與對齊，再呼叫屬性分析介面。
每個人臉的結果包含年齡、性別、種族與膚色等欄位。
"""


def test_utf8() -> None:
    d = decode(TEXT.encode("utf-8"))
    assert (d.text, d.encoding) == (TEXT, "utf-8")


def test_ascii_is_utf8() -> None:
    d = decode(b"race = 1\n")
    assert (d.text, d.encoding) == ("race = 1\n", "utf-8")


def test_empty() -> None:
    assert decode(b"").text == ""


def test_utf8_bom_is_dropped() -> None:
    d = decode(codecs.BOM_UTF8 + TEXT.encode("utf-8"))
    assert d.text == TEXT
    assert not d.text.startswith("\ufeff")


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_utf16_with_bom(bom: bytes, codec: str) -> None:
    d = decode(bom + TEXT.encode(codec))
    assert (d.text, d.encoding) == (TEXT, codec)


def test_utf32_le_bom_is_not_mistaken_for_utf16() -> None:
    d = decode(codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"))
    assert (d.text, d.encoding) == (TEXT, "utf-32-le")


def test_utf16le_without_bom() -> None:
    xml = '<?xml version="1.0"?>\n<Face><SkinColor score="0.93">yellow</SkinColor></Face>\n'
    d = decode(xml.encode("utf-16-le"))
    assert (d.text, d.encoding) == (xml, "utf-16-le")


def test_utf16be_without_bom() -> None:
    d = decode(TEXT.encode("utf-16-be"))
    assert (d.text, d.encoding) == (TEXT, "utf-16-be")


@pytest.mark.parametrize("codec", ["gbk", "gb2312", "gb18030"])
def test_simplified_chinese_header(codec: str) -> None:
    data = GBK_HEADER.encode(codec)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the case under test: not UTF-8
    d = decode(data)
    assert d.encoding == "gb18030"  # GBK and GB2312 are read as their superset
    assert d.text == GBK_HEADER
    assert "肤色" in d.text and "民族" in d.text


def test_big5_traditional_chinese() -> None:
    d = decode(BIG5_GUIDE.encode("big5"))
    assert d.encoding == "big5hkscs"
    assert d.text == BIG5_GUIDE
    assert "種族" in d.text


def test_non_utf8_tail_after_an_ascii_head() -> None:
    head = "/* plain ASCII licence text */\n" * 100  # ~3 KiB of ASCII before the Chinese
    data = (head + GBK_HEADER).encode("gbk")
    d = decode(data)
    assert d.encoding == "gb18030"
    assert d.text.endswith(GBK_HEADER)


def test_nul_bytes_mean_binary() -> None:
    with pytest.raises(NotText, match="NUL"):
        decode(b"\x01\x02race\x00\x00\x00\x10\x00\x05\x00\x00")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00race.txt", "zip archive"),
        (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8, "ELF binary"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF document"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
        (b"SQLite format 3\x00" + b"\x10\x00", "SQLite database"),
    ],
)
def test_magic_numbers_name_the_format(data: bytes, name: str) -> None:
    with pytest.raises(NotText) as info:
        decode(data)
    assert str(info.value) == name


def test_text_starting_with_mz_is_text() -> None:
    assert decode(b"MZ is a prefix; no NUL here\n").text.startswith("MZ")


def test_random_bytes_never_raise() -> None:
    rng = random.Random(20261127)
    decoded = refused = 0
    for i in range(300):
        n = rng.randint(0, 400)
        if i % 3 == 0:  # high bytes only: exercises the charset detector
            data = bytes(rng.randint(0x80, 0xFF) for _ in range(n))
        elif i % 3 == 1:  # no NUL: never refused as binary by the NUL test
            data = bytes(rng.randint(1, 0xFF) for _ in range(n))
        else:
            data = rng.randbytes(n)
        try:
            d = decode(data)
        except NotText as exc:
            assert str(exc)
            refused += 1
        else:
            assert isinstance(d.text, str)
            assert d.encoding
            decoded += 1
    assert decoded > 100
    assert refused > 0
