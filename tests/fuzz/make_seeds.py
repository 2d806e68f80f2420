#!/usr/bin/env python3
"""Writes the fuzzers' seed corpus (committed; re-run only to change it).

Connection seeds use fuzz_input.h's record format: a control byte (bit 7 the
direction, 0 c2s / 1 s2c; low 7 bits the length 1-127, or 0 for finish) then
the data. Run from anywhere: python3 tests/fuzz/make_seeds.py
"""
import base64, json, os

HERE = os.path.dirname(os.path.abspath(__file__))

UPGRADE = (b"GET /chat HTTP/1.1\r\nHost: 127.0.0.1:7681\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
R101 = (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
R101_DEFLATE = R101[:-2] + b"Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover\r\n\r\n"
MASKED_HELLO = bytes.fromhex("818537fa213d7f9f4d5158")
HELLO = bytes.fromhex("810548656c6c6f")
FRAG = bytes.fromhex("010348656c") + bytes.fromhex("80026c6f")
CLIENT_FRAG = bytes.fromhex("018337fa213d7f9f4d") + bytes.fromhex("808237fa213d5b95")
PING = bytes.fromhex("890548656c6c6f")
PONG = bytes.fromhex("8a8537fa213d7f9f4d5158")
CLOSE = bytes.fromhex("888237fa213d3412")          # masked close, code 1000 (03 e8 ^ 37 fa)
BIN256 = bytes.fromhex("827e0100") + bytes(256)
BIN65536 = bytes.fromhex("827f0000000000010000") + bytes(65536)
BAD_LEN = bytes.fromhex("82ff8000000000000000")
UNMASKED_CLIENT = HELLO


def records(*parts, chunk=127):
    out = bytearray()
    for direction, data in parts:
        bit = 0x80 if direction == "s2c" else 0
        if data is None:
            out.append(bit)
            continue
        for i in range(0, len(data), chunk):
            piece = data[i:i + chunk]
            out.append(bit | len(piece))
            out += piece
    return bytes(out)


def write(folder, name, data):
    path = os.path.join(HERE, "corpus", folder, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


# Stream decoder: whole sessions.
write("stream_decoder", "upgrade_hello", records(("c2s", UPGRADE), ("s2c", R101), ("c2s", MASKED_HELLO), ("s2c", HELLO)))
write("stream_decoder", "rfc6455_5_7", records(("c2s", UPGRADE), ("s2c", R101), ("c2s", CLIENT_FRAG + PONG),
                                               ("s2c", FRAG + PING + BIN256), ("c2s", CLOSE), ("c2s", None), ("s2c", None)))
write("stream_decoder", "one_byte_chunks", records(("c2s", UPGRADE), ("s2c", R101), ("c2s", MASKED_HELLO + CLOSE), chunk=1))
write("stream_decoder", "deflate", records(("c2s", UPGRADE), ("s2c", R101_DEFLATE),
                                          ("c2s", bytes.fromhex("c18537fa213d") + bytes(5)), ("s2c", bytes.fromhex("c100"))))
write("stream_decoder", "breaches", records(("c2s", UPGRADE), ("s2c", R101), ("c2s", UNMASKED_CLIENT + bytes.fromhex("838001020304")),
                                           ("s2c", MASKED_HELLO), ("c2s", BAD_LEN + b"tail")))
write("stream_decoder", "big_frame", records(("c2s", UPGRADE), ("s2c", R101), ("s2c", BIN65536[:2000]), ("s2c", None)))
write("stream_decoder", "early_frames", records(("c2s", UPGRADE + MASKED_HELLO), ("s2c", R101 + HELLO)))

# HTTP splitter.
POST = b"POST /poll/send?session=ab HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
GET = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
HEAD = b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n"
CHUNKED = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n0\r\nExpires: never\r\n\r\n"
write("http_splitter", "pipelined", records(("c2s", POST + GET + HEAD),
                                            ("s2c", b"HTTP/1.1 204 No Content\r\n\r\n" + CHUNKED +
                                                    b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n")))
write("http_splitter", "until_close", records(("c2s", GET), ("s2c", b"HTTP/1.0 200 OK\r\n\r\nbody until close"), ("s2c", None)))
write("http_splitter", "upgrade", records(("c2s", UPGRADE + MASKED_HELLO), ("s2c", R101 + HELLO)))
write("http_splitter", "refused", records(("c2s", UPGRADE + GET),
                                          ("s2c", b"HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n")))
write("http_splitter", "junk", records(("c2s", b"hello\r\n\r\n" + GET + b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n"),
                                       ("s2c", b"garbage\n" + b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 304 x\r\n\r\n")))

# Capture reader: a small real-looking capture.
def b64(b):
    return base64.b64encode(b).decode()
lines = [
    {"seq": 0, "t_us": 0, "kind": "hello", "version": 1, "relay": "wirelab-relay 0.1.0", "tap": True,
     "deterministic": True, "connections": [{"conn": 1, "transport": "tcp", "state": "http", "opened_t_us": 0}]},
    {"seq": 1, "t_us": 10, "kind": "open", "conn": 2, "transport": "tls"},
    {"seq": 2, "t_us": 20, "kind": "http", "conn": 2, "dir": "c2s", "offset": 0, "start_line": "GET /chat HTTP/1.1",
     "headers": [["Host", "127.0.0.1:7681"], ["Upgrade", "websocket"]], "body_len": 0, "bytes": b64(UPGRADE),
     "truncated": False},
    {"seq": 3, "t_us": 30, "kind": "frame", "conn": 2, "dir": "c2s", "offset": len(UPGRADE), "fin": True, "rsv": 0,
     "opcode": 1, "masked": True, "mask_key": "37fa213d", "payload_len": 5, "header": b64(MASKED_HELLO[:6]),
     "payload": b64(MASKED_HELLO[6:]), "truncated": False},
    {"seq": 4, "t_us": 40, "kind": "raw", "conn": 2, "dir": "s2c", "offset": 0, "bytes": b64(b"\x00\xff"), "why": "test"},
    {"seq": 5, "t_us": 50, "kind": "violation", "conn": 2, "rule": "RFC 6455 5.1: client frames must be masked",
     "action": "closed 1002"},
    {"seq": 6, "t_us": 60, "kind": "chat", "conn": 2, "event": "paired", "who": "Stranger 7f3a", "peer": "Stranger 91c2"},
    {"seq": 7, "t_us": 70, "kind": "dropped", "count": 3},
    {"seq": 8, "t_us": 80, "kind": "close", "conn": 2, "by": "client", "code": 1000, "reason": "bye"},
    {"seq": 9, "t_us": 90, "kind": "close", "conn": 1, "by": "relay", "code": None, "reason": ""},
]
write("capture_reader", "capture.jsonl", "".join(json.dumps(l, separators=(",", ":")) + "\n" for l in lines).encode())
write("capture_reader", "not_hello_first.jsonl", (json.dumps(lines[1], separators=(",", ":")) + "\n").encode())
write("capture_reader", "bad_line.jsonl", (json.dumps(lines[0], separators=(",", ":")) + "\n{\"seq\":1,\"kind\":\n").encode())


# relay/chat messages: lines "<op><json>" (fuzz_chat_messages.cpp: op % 8,
# 0-3 a participant's message, 4 reconnect, 5 disconnect, 6 clock +1 s, 7 drain).
write("chat_messages", "find_say", '\x00{"type":"find"}\n\x01{"type":"find"}\n\x00{"type":"say","text":"hello"}\n\x07\n'.encode())
write("chat_messages", "rooms_typing", ('\x00{"type":"join","room":"cs101"}\n\x01{"type":"join","room":"cs101"}\n'
                                        '\x02{"type":"typing","on":true}\n\x01{"type":"leave"}\n\x05\x02\n\x04\x01\n\x06\n').encode())
write("chat_messages", "errors", ('\x00{"type":"say"}\n\x01[1,2]\n\x02{"type":"dance"}\n'
                                  '\x03{"type":"say","text":"\\u00e9\\ud83d\\ude00"}\n\x00not json\n'
                                  '\x00{"type":"join","room":"UPPER"}\n').encode())
write("chat_messages", "rate", "\n".join(['\x00{"type":"say","text":"x"}'] * 30).encode() + b"\n\x06\n")
write("chat_messages", "single", b'{"type":"typing","on":false}')

# relay/poll requests: lines "<address byte><METHOD> <target> <body>"
# (fuzz_poll_requests.cpp: "$N" = the N-th session id opened, "~" = clock +1 s).
write("poll_requests", "open_send_recv", b"\x00POST /poll/open\n\x01POST /poll/open\n"
      b'\x00POST /poll/send?session=$0 {"type":"find"}\n\x01POST /poll/send?session=$1 {"type":"find"}\n'
      b'\x00GET /poll/recv?session=$0\n\x00POST /poll/send?session=$0 {"type":"say","text":"hi"}\n'
      b"\x01GET /poll/recv?session=$1\n")
write("poll_requests", "wrong_address", b"\x00POST /poll/open\n\x01GET /poll/recv?session=$0\n"
      b'\x01POST /poll/send?session=$0 {"type":"find"}\n\x00GET /poll/recv?a=1&session=$0&b\n')
write("poll_requests", "hoard", b"\x00POST /poll/open\n" * 14 + b"~\n~\n~\n~\n\x00POST /poll/open\n\x02POST /poll/open\n")
write("poll_requests", "malformed", b"\x00GET /poll/recv?session=ZZZ\n\x00POST /poll/send\n"
      b"\x00POST /poll/send?session=00000000000000000000000000000000 x\n\x00PUT /poll/open\n\x00GET /poll/open\n"
      b'\x00POST /poll/recv\n\x00POST /poll/send?session=$0&session=x {"type":"say","text":"' + b"a" * 200 + b'"}\n')
# Found by fuzz_poll_requests (its crash file is kept as poll_requests/crash_number_out_of_range):
# nlohmann throws out_of_range for a number no double holds, which ended the relay.
write("chat_messages", "number_out_of_range", b'\x00{"type":"find","n":9e999}\n\x01{"type":9e359}\n')
