"""Writes the data files that the golden cases in tests/files/ read.

Run from this folder with python3 (`python3 generate.py`); the files are
committed, so this is only needed to change them. Every file is written
as exact bytes: line endings and invalid UTF-8 are part of what the cases
test. `big.txt` and `big_invalid.txt` put tricky bytes at the edges of
CPython's 8192-byte read chunks (offsets 8192, 16384, ...).
"""

CHUNK = 8192


def write(name, data):
    with open(name, "wb") as f:
        f.write(data)


def fill_to(buf, target, tag):
    """Appends numbered ASCII lines, then one line of dashes, so that
    len(buf) becomes exactly `target`."""
    n = 0
    while True:
        line = f"{tag} line {n:04d}: some padding text to fill the chunk\n".encode()
        if len(buf) + len(line) + 1 > target:
            break
        buf += line
        n += 1
    rest = target - len(buf)
    assert rest >= 0, (target, len(buf))
    if rest:
        buf += b"-" * (rest - 1) + b"\n"
    assert len(buf) == target


def big():
    buf = bytearray()
    # A 3-byte character on bytes 8191..8193.
    fill_to(buf, CHUNK - 7, "a")
    buf += b"euro: " + "\u20ac".encode() + b" straddles byte 8192\n"
    assert buf.index("\u20ac".encode()) == CHUNK - 1
    # A 4-byte character on bytes 16382..16385.
    fill_to(buf, 2 * CHUNK - 4, "b")
    buf += b"ab" + "\U0001f600".encode() + b" straddles byte 16384\n"
    assert buf.index("\U0001f600".encode()) == 2 * CHUNK - 2
    # A CRLF whose CR is byte 24575 and LF byte 24576.
    fill_to(buf, 3 * CHUNK - 7, "c")
    buf += b"crlf: \r\nafter the crlf\n"
    assert buf[3 * CHUNK - 1 : 3 * CHUNK + 1] == b"\r\n"
    # A lone CR as byte 32767, then text.
    fill_to(buf, 4 * CHUNK - 7, "d")
    buf += b"lone: \rx after a lone cr at 32768\n"
    assert buf[4 * CHUNK - 1 : 4 * CHUNK + 1] == b"\rx"
    # 1000 two-byte characters from an odd offset: byte 40960 is the
    # second byte of one of them.
    fill_to(buf, 5 * CHUNK - 1959, "e")
    buf += "\u0416".encode() * 1000 + b"\n"
    assert buf[5 * CHUNK - 1 : 5 * CHUNK + 1] == "\u0416".encode()
    # A line longer than a chunk, across byte 49152.
    buf += b"long: " + b"L" * 10000 + b"\n"
    # A lone CR as byte 57343, then a CRLF: two line ends.
    fill_to(buf, 7 * CHUNK - 6, "f")
    buf += b"two: \r\r\nthe end\n"
    assert buf[7 * CHUNK - 1 : 7 * CHUNK + 2] == b"\r\r\n"
    write("big.txt", bytes(buf))


def big_invalid():
    buf = bytearray()
    # A 3-byte character on bytes 8191..8193, so that one byte of it is
    # still undecoded when the second chunk is read.
    fill_to(buf, CHUNK - 7, "a")
    buf += b"euro: " + "\u20ac".encode() + b" straddles byte 8192\n"
    assert buf.index("\u20ac".encode()) == CHUNK - 1
    fill_to(buf, 9000, "b")
    buf += b"\xff is byte 9000\n"
    fill_to(buf, 12000, "c")
    buf += b"the end\n"
    write("big_invalid.txt", bytes(buf))


def main():
    write("lines.txt", b"first line\nsecond line\n\nfourth line, after an empty one\nlast line\n")
    write("no_newline.txt", b"alpha\nbeta\ngamma")
    write("empty.txt", b"")
    write(
        "newlines.txt",
        b"crlf one\r\ncrlf two\r\n"
        b"cr one\rcr two\r"
        b"lf one\n"
        b"cr crlf\r\r\n"
        b"lf cr\n\r"
        b"blank crlf next\r\n\r\n"
        b"blank cr next\r\r"
        b"ends in a lone cr\r",
    )
    write(
        "unicode.txt",
        "\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440!\n"
        "emoji: \U0001f600\U0001f389 and \U0001f44d\U0001f3fd\n"
        "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8\n"
        "combining: e\u0301\n"
        "not line ends: a\u2028b\u2029c\x0bd\x0ce\x1cf\x1dg\x1eh\x85i\n"
        "nul: [\x00] tab: [\t]\n"
        "last: \u0416\u0416\n".encode(),
    )
    write("bom.txt", "\ufeffafter a bom\nsecond\n".encode())
    write(
        "invalid.txt",
        b"valid line one\nvalid line two\n"
        + "\u041f\u0440\u0438\u0432\u0435\u0442\n".encode()
        + b"bad \xff byte\nafter the bad byte\n",
    )
    write(
        "invalid_kinds.txt",
        b"ok\n"
        b"cut three-byte \xe2\x82A\n"
        b"overlong \xc0\xaf\n"
        b"surrogate \xed\xa0\x80\n"
        b"above max \xf4\x90\x80\x80\n"
        b"lone continuation \x80\x80\n"
        b"cut four-byte \xf0\x9f\x98\n"
        b"good \xe2\x82\xac\n",
    )
    write("invalid_continuation.txt", b"abc\n\xc3A\n")
    write("truncated_end.txt", b"ends inside a character \xe2\x82")
    write(
        "sample.json",
        '{\n  "name": "pyl",\n  "tags": ["r\u00e9sum\u00e9", "\U0001f600", "\\u00e9"],\n'
        '  "version": [3, 11],\n  "ratio": 0.5,\n  "nothing": null\n}\n'.encode(),
    )
    write("bad.json", b'{\n  "a": 1,\n  "b": [1, 2,,]\n}\n')
    write(
        "people.csv",
        'name,age,note\r\nAnn,31,"likes ""quotes"""\r\nBob,4.5,"multi\r\nline"\r\n'
        'Cy,,\r\n"Di, Jr.",True, x \r\n\r\nZo\u00eb,7,"cr\rinside"\r\n'.encode(),
    )
    big()
    big_invalid()


main()
