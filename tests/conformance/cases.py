"""The conformance cases, as data, in Autobahn|Testsuite's categories.

A case is the bytes a client sends and what must come back, nothing else:
- ok(...): the echo endpoint answers each message (and each ping) in order; the
  runner then closes normally (1000) and the server must answer that Close.
- fail(codes, ...): the server must fail the connection with one of `codes`
  after at most the answers listed in `before` (a prefix of them: a server may
  fail as soon as it sees the broken frame), and send NOTHING after its Close
  (RFC 6455 5.5.1). Broken frames are the last thing a fail case sends.
Every case runs twice: sent whole, and sent one byte at a time.
"""
from wsclient import BINARY, CLOSE, CONT, PING, PONG, TEXT, close_payload, frame

CASES = []

# Expected answers: ("text", payload), ("binary", payload), ("pong", payload), or
# ("pongs", [p1, ..., pn]): pongs for a run of pings, each one answered, or only
# the most recent ones (5.5.3: a Pong for the most recently processed Ping may
# stand for the earlier ones): any in-order selection that ends with pn.


def text(payload):
    return ("text", payload)


def binary(payload):
    return ("binary", payload)


def pong(payload):
    return ("pong", payload)


class Case:
    """send: the bytes sent first. then: sent once every answer in `expect` came (ok cases: the
    runner's Close 1000; close cases: the Close under test). codes: the server's acceptable close codes."""

    def __init__(self, cid, category, title, send, expect, codes, fails, timeout, then=None):
        self.id, self.category, self.title = cid, category, title
        self.send, self.expect, self.codes, self.fails, self.timeout = send, expect, codes, fails, timeout
        self.then = [frame(CLOSE, close_payload(1000))] if then is None and not fails else (then or [])


def ok(cid, category, title, send, *expect, timeout=2.0):
    CASES.append(Case(cid, category, title, list(send), list(expect), (1000,), False, timeout))


def fail(cid, category, title, send, codes, before=(), timeout=2.0):
    codes = (codes,) if isinstance(codes, int) else tuple(codes)
    CASES.append(Case(cid, category, title, list(send), list(before), codes, True, timeout))


def payload_of(n):
    """n printable bytes, not all the same (an echo that shifts or drops a byte shows)."""
    return bytes(0x41 + i % 26 for i in range(n))


# 1. Framing (5.2): every length form at its edges, text and binary.
for i, n in enumerate([0, 125, 126, 127, 128, 65535, 65536]):
    ok(f"1.1.{i + 1}", "framing", f"text, {n} bytes", [frame(TEXT, payload_of(n))], text(payload_of(n)),
       timeout=6.0 if n > 4096 else 2.0)
    ok(f"1.2.{i + 1}", "framing", f"binary, {n} bytes", [frame(BINARY, payload_of(n))], binary(payload_of(n)),
       timeout=6.0 if n > 4096 else 2.0)
ok("1.3.1", "framing", "binary holding every byte value 0x00-0xff", [frame(BINARY, bytes(range(256)))],
   binary(bytes(range(256))))
ok("1.3.2", "framing", "three messages in one write", [frame(TEXT, b"one") + frame(BINARY, b"two") + frame(TEXT, b"3")],
   text(b"one"), binary(b"two"), text(b"3"))
ok("1.3.3", "framing", "masking key 00 00 00 00", [frame(TEXT, b"zero key", key=b"\0\0\0\0")], text(b"zero key"))
fail("1.4.1", "framing", "5.1: an unmasked text frame", [frame(TEXT, b"unmasked", key=None)], 1002)
fail("1.4.2", "framing", "5.1: an unmasked text frame after a valid one",
     [frame(TEXT, b"first"), frame(TEXT, b"unmasked", key=None)], 1002, before=[text(b"first")])

# 2. Pings and pongs (5.5.2, 5.5.3).
ok("2.1", "ping/pong", "ping without payload", [frame(PING)], pong(b""))
ok("2.2", "ping/pong", "ping with a text payload", [frame(PING, b"Hello, wirelab")], pong(b"Hello, wirelab"))
ok("2.3", "ping/pong", "ping with a binary payload", [frame(PING, bytes([0, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0, 0xff]))],
   pong(bytes([0, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0, 0xff])))
ok("2.4", "ping/pong", "ping with 125 bytes (the most a control frame holds)", [frame(PING, payload_of(125))],
   pong(payload_of(125)))
fail("2.5", "ping/pong", "5.5: ping with 126 bytes", [frame(PING, payload_of(126))], 1002)
ok("2.6", "ping/pong", "unsolicited pong without payload, then a text", [frame(PONG), frame(TEXT, b"after")],
   text(b"after"))
ok("2.7", "ping/pong", "unsolicited pong with payload, then a ping", [frame(PONG, b"unsolicited"), frame(PING, b"p")],
   pong(b"p"))
TEN = [b"ping %d" % i for i in range(10)]
ok("2.8", "ping/pong", "5.5.3: ten pings in a row: each answered, or only the latest",
   [b"".join(frame(PING, p) for p in TEN)], ("pongs", TEN))
ok("2.9", "ping/pong", "ten pings in separate writes, a text after them", [frame(PING, p) for p in TEN] +
   [frame(TEXT, b"after pings")], ("pongs", TEN), text(b"after pings"))
fail("2.10", "ping/pong", "5.5: a fragmented ping (fin=0)", [frame(PING, b"frag", fin=False)], 1002)
fail("2.11", "ping/pong", "5.5: a pong with 126 bytes", [frame(PONG, payload_of(126))], 1002)
ok("2.12", "ping/pong", "ping, text, ping", [frame(PING, b"a"), frame(TEXT, b"between"), frame(PING, b"b")],
   pong(b"a"), text(b"between"), pong(b"b"))

# 3. Reserved bits (5.2: MUST be 0 unless an extension defines them; none is negotiated).
for rsv in range(1, 8):
    fail(f"3.1.{rsv}", "reserved bits", f"text with RSV bits {rsv:03b}", [frame(TEXT, b"rsv", rsv=rsv)], 1002)
fail("3.2", "reserved bits", "RSV2 on a text after a valid text",
     [frame(TEXT, b"Hello"), frame(TEXT, b"rsv", rsv=2)], 1002, before=[text(b"Hello")])
fail("3.3", "reserved bits", "RSV3 after a valid text and a ping",
     [frame(TEXT, b"Hello"), frame(PING, b"p"), frame(TEXT, b"rsv", rsv=1)], 1002, before=[text(b"Hello"), pong(b"p")])
fail("3.4", "reserved bits", "RSV1 on a binary", [frame(BINARY, b"\x00\xff", rsv=4)], 1002)
fail("3.5", "reserved bits", "RSV on a ping", [frame(PING, b"p", rsv=5)], 1002)
fail("3.6", "reserved bits", "RSV on a close", [frame(CLOSE, close_payload(1000), rsv=6)], 1002)
fail("3.7", "reserved bits", "RSV on a continuation",
     [frame(TEXT, b"frag", fin=False), frame(CONT, b"ment", rsv=3)], 1002)

# 4. Opcodes (5.2: reserved opcodes fail the connection).
for op in [3, 4, 5, 6, 7]:
    fail(f"4.1.{op}", "opcodes", f"reserved data opcode 0x{op:x}", [frame(op)], 1002)
for op in [0xB, 0xC, 0xD, 0xE, 0xF]:
    fail(f"4.2.{op:x}", "opcodes", f"reserved control opcode 0x{op:x}", [frame(op)], 1002)
fail("4.3.1", "opcodes", "reserved opcode 0x5 with a payload, after a valid text",
     [frame(TEXT, b"Hello"), frame(5, b"reserved")], 1002, before=[text(b"Hello")])
fail("4.3.2", "opcodes", "reserved opcode 0xB after a valid text and a ping",
     [frame(TEXT, b"Hello"), frame(PING, b"p"), frame(0xB, b"x")], 1002, before=[text(b"Hello"), pong(b"p")])

# 5. Fragmentation (5.4).
ok("5.1", "fragmentation", "text in two fragments", [frame(TEXT, b"frag", fin=False), frame(CONT, b"ment")],
   text(b"fragment"))
ok("5.2", "fragmentation", "text in three fragments",
   [frame(TEXT, b"one ", fin=False), frame(CONT, b"two ", fin=False), frame(CONT, b"three")], text(b"one two three"))
ok("5.3", "fragmentation", "binary in two fragments", [frame(BINARY, b"\x00\x01", fin=False), frame(CONT, b"\x02")],
   binary(b"\x00\x01\x02"))
ok("5.4", "fragmentation", "empty fragments around a text",
   [frame(TEXT, b"", fin=False), frame(CONT, b"mid", fin=False), frame(CONT, b"")], text(b"mid"))
ok("5.5", "fragmentation", "every fragment empty", [frame(TEXT, b"", fin=False), frame(CONT, b"", fin=False),
                                                   frame(CONT, b"")], text(b""))
ok("5.6", "fragmentation", "5.4: a ping between fragments is answered at once",
   [frame(TEXT, b"frag", fin=False), frame(PING, b"between"), frame(CONT, b"ment")], pong(b"between"),
   text(b"fragment"))
ok("5.7", "fragmentation", "a pong between fragments is ignored",
   [frame(TEXT, b"frag", fin=False), frame(PONG, b"x"), frame(CONT, b"ment")], text(b"fragment"))
ok("5.8", "fragmentation", "a text in 100 one-byte fragments",
   [frame(TEXT, b"x", fin=False)] + [frame(CONT, b"x", fin=False)] * 98 + [frame(CONT, b"x")], text(b"x" * 100))
fail("5.9", "fragmentation", "a continuation (fin=1) with no message open", [frame(CONT, b"stray")], 1002)
fail("5.10", "fragmentation", "a continuation (fin=0) with no message open", [frame(CONT, b"stray", fin=False)], 1002)
fail("5.11", "fragmentation", "a continuation after a complete message",
     [frame(TEXT, b"whole"), frame(CONT, b"stray")], 1002, before=[text(b"whole")])
fail("5.12", "fragmentation", "a new text inside a fragmented message",
     [frame(TEXT, b"frag", fin=False), frame(TEXT, b"new")], 1002)
fail("5.13", "fragmentation", "a new binary inside a fragmented text",
     [frame(TEXT, b"frag", fin=False), frame(BINARY, b"new", fin=False)], 1002)
fail("5.14", "fragmentation", "5.5: a fragmented close", [frame(CLOSE, close_payload(1000), fin=False)], 1002)
fail("5.15", "fragmentation", "a stray continuation after valid text and ping, sent at once",
     [frame(TEXT, b"Hello") + frame(PING, b"p") + frame(CONT, b"stray")], 1002, before=[text(b"Hello"), pong(b"p")])

# 6. UTF-8 (8.1: text messages MUST be valid UTF-8; 1007 otherwise). Markus Kuhn's test file in spirit.
VALID = [
    ("ASCII with every printable byte", bytes(range(0x20, 0x7f))),
    ("Hello-µ@ßöäüàá-UTF-8!!", "Hello-µ@ßöäüàá-UTF-8!!".encode()),
    ("κόσμε (Greek)", "κόσμε".encode()),
    ("U+0000 (NUL is valid UTF-8)", b"\x00"),
    ("U+007F and U+0080 (1/2-byte edge)", "\u007f\u0080".encode()),
    ("U+07FF and U+0800 (2/3-byte edge)", "\u07ff\u0800".encode()),
    ("U+D7FF and U+E000 (around the surrogates)", "\ud7ff\ue000".encode()),
    ("U+FFFD and U+FFFF", "\ufffd\uffff".encode()),
    ("U+10000 and U+10FFFF (4-byte edges)", "\U00010000\U0010ffff".encode()),
    ("emoji U+1F600", "\U0001f600".encode()),
]
for i, (title, p) in enumerate(VALID):
    ok(f"6.1.{i + 1}", "utf-8", f"valid: {title}", [frame(TEXT, p)], text(p))
EMOJI = "\U0001f600".encode()   # f0 9f 98 80
for cut in (1, 2, 3):
    ok(f"6.2.{cut}", "utf-8", f"valid: U+1F600 split after byte {cut} across two fragments",
       [frame(TEXT, b"<" + EMOJI[:cut], fin=False), frame(CONT, EMOJI[cut:] + b">")], text(b"<" + EMOJI + b">"))
KOSME = "κόσμε".encode()
ok("6.2.4", "utf-8", "valid: κόσμε one byte per fragment",
   [frame(TEXT, KOSME[:1], fin=False)] + [frame(CONT, KOSME[i:i + 1], fin=False) for i in range(1, len(KOSME) - 1)] +
   [frame(CONT, KOSME[-1:])], text(KOSME))
INVALID = [
    ("a lone continuation byte 0x80", b"\x80"),
    ("a lone continuation byte 0xbf", b"a\xbfb"),
    ("0xfe (never in UTF-8)", b"\xfe"),
    ("0xff (never in UTF-8)", b"\xff"),
    ("overlong '/' as 0xc0 0xaf", b"\xc0\xaf"),
    ("overlong U+007F as 0xc1 0xbf", b"\xc1\xbf"),
    ("overlong '/' as 0xe0 0x80 0xaf", b"\xe0\x80\xaf"),
    ("overlong '/' as 0xf0 0x80 0x80 0xaf", b"\xf0\x80\x80\xaf"),
    ("UTF-16 surrogate U+D800 (0xed 0xa0 0x80)", b"\xed\xa0\x80"),
    ("UTF-16 surrogate U+DFFF (0xed 0xbf 0xbf)", b"\xed\xbf\xbf"),
    ("above U+10FFFF (0xf4 0x90 0x80 0x80)", b"\xf4\x90\x80\x80"),
    ("0xf5 (would start above U+10FFFF)", b"\xf5\x80\x80\x80"),
    ("a 2-byte start then ASCII", b"\xc3(ok"),
    ("κόσμ then a cut 2-byte sequence at the end", "κόσμ".encode() + b"\xce"),
    ("a 3-byte sequence cut after 2 bytes at the end", b"ab\xe2\x82"),
    ("a 4-byte sequence cut after 3 bytes at the end", b"ab\xf0\x9f\x98"),
    ("5-byte form (0xf8 ...)", b"\xf8\x88\x80\x80\x80"),
]
for i, (title, p) in enumerate(INVALID):
    fail(f"6.3.{i + 1}", "utf-8", f"invalid: {title}", [frame(TEXT, p)], 1007)
fail("6.4.1", "utf-8", "invalid: a valid first fragment, 0xff in the second",
     [frame(TEXT, b"valid", fin=False), frame(CONT, b"\xff", fin=False)], 1007)
fail("6.4.2", "utf-8", "invalid: a surrogate split across two fragments",
     [frame(TEXT, b"ab\xed", fin=False), frame(CONT, b"\xa0\x80")], 1007)
fail("6.4.3", "utf-8", "invalid: a message ending inside a sequence split over fragments",
     [frame(TEXT, b"ab\xf0\x9f", fin=False), frame(CONT, b"\x98")], 1007)
fail("6.4.4", "utf-8", "invalid: after a valid text message",
     [frame(TEXT, b"fine"), frame(TEXT, b"\xc0\xaf")], 1007, before=[text(b"fine")])
ok("6.5", "utf-8", "binary is not UTF-8 checked: 0xc0 0xaf 0xff echoed", [frame(BINARY, b"\xc0\xaf\xff")],
   binary(b"\xc0\xaf\xff"))

# 7. Close handling (5.5.1, 7.1.5, 7.4).
ok("7.1.1", "close", "text then the client's close: echo, then close 1000", [frame(TEXT, b"before close")],
   text(b"before close"))


def close_case(cid, title, payload, codes, fails=False, before_frames=(), before=(), after=()):
    """The client's own Close (and what `after` holds right behind it), once `before` came back."""
    CASES.append(Case(cid, "close", title, list(before_frames), list(before), tuple(codes), fails, 2.0,
                      then=[frame(CLOSE, payload), *after]))


close_case("7.1.2", "close with no body: answered with no code (or 1000)", b"", (None, 1000))
close_case("7.1.3", "close 1000 with a reason", close_payload(1000, b"bye now"), (1000,))
close_case("7.1.4", "close 1000 with a 123-byte reason (the most that fits)", close_payload(1000, payload_of(123)),
           (1000,))
close_case("7.1.5", "close 1000 with a UTF-8 reason", close_payload(1000, "κόσμε".encode()), (1000,))
close_case("7.1.6", "a text after the close is never echoed", close_payload(1000), (1000,),
           after=[frame(TEXT, b"after close")])
close_case("7.1.7", "two closes: one answer, nothing after it", close_payload(1000), (1000,),
           after=[frame(CLOSE, close_payload(1001))])
close_case("7.1.8", "a ping after the close is not answered", close_payload(1000), (1000,),
           after=[frame(PING, b"after close")])
close_case("7.1.9", "echo, pong, then close", close_payload(1000), (1000,),
           before_frames=[frame(TEXT, b"m"), frame(PING, b"p")], before=[text(b"m"), pong(b"p")])
for code in [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999]:
    close_case(f"7.2.{code}", f"7.4.1: valid close code {code} is answered", close_payload(code), (code, 1000))
for code in [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535]:
    close_case(f"7.3.{code}", f"7.4: close code {code} may not be sent: 1002", close_payload(code), (1002,), fails=True)
close_case("7.4.1", "5.5.1: a close with a 1-byte body: 1002", b"\x03", (1002,), fails=True)
close_case("7.4.2", "5.5.1: a 1-byte close body after a valid text: 1002, no echo of the close",
           b"\xe8", (1002,), fails=True, before_frames=[frame(TEXT, b"first")], before=[text(b"first")])
close_case("7.5.1", "8.1: a close reason that is not UTF-8: 1007", close_payload(1000, b"bad \xff reason"), (1007,),
           fails=True)
close_case("7.5.2", "8.1: a close reason with a surrogate: 1007", close_payload(1000, b"\xed\xa0\x80"), (1007,),
           fails=True)
close_case("7.5.3", "8.1: a close reason cut inside a sequence: 1007", close_payload(1001, b"ab\xce"), (1007,),
           fails=True)

# 9. Limits: lengths a server cannot or will not read.
fail("9.1", "limits", "5.2: a 64-bit length with its most significant bit set: 1002 (or 1009), not a bare drop",
     [frame(BINARY, b"", length=1 << 63, long_form=64)], (1002, 1009))
fail("9.2", "limits", "5.2: the 64-bit length 0xffffffffffffffff after a valid text: 1002 or 1009",
     [frame(TEXT, b"ok"), frame(BINARY, b"", length=(1 << 64) - 1, long_form=64)], (1002, 1009), before=[text(b"ok")])
fail("9.3", "limits", "a binary announcing 2^40 bytes: 1009 before they come", [frame(BINARY, b"", length=1 << 40)
                                                                              + b"\x00" * 16], 1009)
fail("9.4", "limits", "a text announcing 16 MiB: 1009", [frame(TEXT, b"", length=16 << 20) + b"a" * 16], 1009)
fail("9.5", "limits", "fragments adding up past 16 MiB: 1009",
     [frame(BINARY, b"x" * 1000, fin=False), frame(CONT, b"", length=16 << 20, fin=False) + b"\x00" * 16], 1009)
