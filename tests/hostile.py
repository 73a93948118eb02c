#!/usr/bin/python3
"""Hostile inputs for tests/cmd/limits.sh, made in a second or two.

    hostile.py zipbomb FILE.zip GIB [NAME]   one member NAME (bomb.jsonl)
    hostile.py gzbomb FILE.gz GIB            a gzip stream
    hostile.py members FILE.tar.gz N [NAME]  N empty members NAME (e.cif)

A bomb holds GIB GiB of the letter x and no newline: one endless line, not
zeros, which a tar reader takes for the end of an archive and a structure
reader for binary data.  Its deflate data is made once for 1 MiB, ended by a full flush (which
leaves the compressor's history empty and the output byte-aligned), and
repeated: the repeats form one valid stream.  CRC-32s are left zero: a
reader that refuses the input as it must stops long before it could check
them.
"""
import struct
import sys
import zlib

MIB = 1 << 20


def deflate_repeat(block, times):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    return piece, times, end


def write_stream(f, piece, times, end):
    for _ in range(times):
        f.write(piece)
    f.write(end)
    return len(piece) * times + len(end)


def zipbomb(path, gib, name):
    usize = gib << 30
    piece, times, end = deflate_repeat(b"x" * MIB, gib << 10)
    csize = len(piece) * times + len(end)
    with open(path, "wb") as f:
        x64 = struct.pack("<HHQQ", 1, 16, usize, csize)
        f.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 8, 0, 0x21, 0,
                            0xFFFFFFFF, 0xFFFFFFFF, len(name), len(x64)))
        f.write(name + x64)
        write_stream(f, piece, times, end)
        cd = f.tell()
        f.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 8, 0,
                            0x21, 0, 0xFFFFFFFF, 0xFFFFFFFF, len(name), len(x64),
                            0, 0, 0, 0, 0))
        f.write(name + x64)
        cdsize = f.tell() - cd
        eocd64 = f.tell()
        f.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, 1, 1,
                            cdsize, cd))
        f.write(struct.pack("<IIQI", 0x07064B50, 0, eocd64, 1))
        f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, cdsize, cd, 0))


def gzip_of(path, block, times):
    piece, times, end = deflate_repeat(block, times)
    with open(path, "wb") as f:
        f.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03")
        write_stream(f, piece, times, end)
        f.write(struct.pack("<II", 0, (len(block) * times) & 0xFFFFFFFF))


def tar_header(name):
    h = bytearray(512)
    fields = [(0, name.encode()), (100, b"0000644\0"), (108, b"0000000\0"),
              (116, b"0000000\0"), (124, b"00000000000\0"),
              (136, b"00000000000\0"), (156, b"0"), (257, b"ustar\0"),
              (263, b"00")]
    for off, val in fields:
        h[off:off + len(val)] = val
    h[148:156] = b" " * 8
    h[148:155] = b"%06o\0" % sum(h)
    return bytes(h)


def members(path, n, name):
    per = 2048  # headers per MiB
    gzip_of(path, tar_header(name) * per, (n + per - 1) // per)


def main(argv):
    if argv[1] == "zipbomb":
        zipbomb(argv[2], int(argv[3]),
                (argv[4] if len(argv) > 4 else "bomb.jsonl").encode())
    elif argv[1] == "gzbomb":
        gzip_of(argv[2], b"x" * MIB, int(argv[3]) << 10)
    elif argv[1] == "members":
        members(argv[2], int(argv[3]), argv[4] if len(argv) > 4 else "e.cif")
    else:
        sys.exit("usage: hostile.py zipbomb|gzbomb|members FILE N")


if __name__ == "__main__":
    main(sys.argv)
