#!/usr/bin/python3
"""Relay benchmarks (reported, not asserted). Starts wirelab-relay on free
loopback ports and measures:
  1. 100 paired strangers over WebSocket, closed loop: messages/s and p50/p99
     one-way latency, with the tap and with --no-tap (relay_load, C++).
  2. Bytes on the wire per chat message for the same 100 messages over
     WebSocket and over long-polling (the relay's tap counters in /metrics:
     frame headers + payloads, HTTP heads + bodies, both directions).
Usage: run_bench.py RELAY_BINARY RELAY_LOAD_BINARY [--pairs 100] [--seconds 5]"""
import argparse, asyncio, http.client, json, os, re, subprocess, sys, time

import websockets

RATE = ["--chat-rate", "1000000", "--chat-burst", "1000000", "--max-conns-per-addr", "1000"]


def start(relay, *extra):
    p = subprocess.Popen([relay, "--port", "0", "--mirror-port", "0", *RATE, *extra],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()
    p.stdout.readline()
    return p, int(line.strip().rsplit(":", 1)[1])


def stop(p):
    p.terminate()
    p.wait(timeout=10)


def metrics(port):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", "/metrics")
    text = c.getresponse().read().decode()
    c.close()
    out = {}
    for m in re.finditer(r'^wirelab_wire_bytes_total\{transport="(\w+)",dir="(\w+)"\} (\d+)$', text, re.M):
        out[(m.group(1), m.group(2))] = int(m.group(3))
    return out


def cpu_seconds(pid):
    # utime + stime of the relay process, clock ticks -> seconds (proc(5)).
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(relay, load_bin, pairs, seconds, extra):
    p, port = start(relay, *extra)
    try:
        cpu0 = cpu_seconds(p.pid)
        out = subprocess.run([load_bin, "--port", str(port), "--pairs", str(pairs), "--seconds", str(seconds),
                              "--warmup", "0"], capture_output=True, text=True, timeout=120)
        cpu = cpu_seconds(p.pid) - cpu0
        if out.returncode != 0:
            raise SystemExit(f"relay_load failed: {out.stderr}")
        r = json.loads(out.stdout)
        r["relay_cpu_us_per_message"] = 1e6 * cpu / max(1, r["messages"])
        return r
    finally:
        stop(p)


async def ws_bytes(port, n):
    async with websockets.connect(f"ws://127.0.0.1:{port}/chat", compression=None) as a, \
               websockets.connect(f"ws://127.0.0.1:{port}/chat", compression=None) as b:
        await a.recv(); await b.recv()
        await a.send('{"type":"find"}'); await b.send('{"type":"find"}')
        while json.loads(await b.recv())["type"] != "paired":
            pass
        while json.loads(await a.recv())["type"] != "paired":
            pass
        before = metrics(port)
        for i in range(n):
            await a.send(json.dumps({"type": "say", "text": f"message {i:03d}"}))
            while json.loads(await b.recv())["type"] != "said":
                pass
        return before, metrics(port)


def poll_bytes(port, n):
    def request(conn, method, path, body=None):
        conn.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
        r = conn.getresponse()
        return r.status, r.read()

    a, b = (http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(2))
    sa = json.loads(request(a, "POST", "/poll/open", b"")[1])["session"]
    sb = json.loads(request(b, "POST", "/poll/open", b"")[1])["session"]
    request(a, "GET", f"/poll/recv?session={sa}")
    request(b, "GET", f"/poll/recv?session={sb}")
    request(a, "POST", f"/poll/send?session={sa}", b'{"type":"find"}')
    request(b, "POST", f"/poll/send?session={sb}", b'{"type":"find"}')
    while b'"paired"' not in request(b, "GET", f"/poll/recv?session={sb}")[1]:
        pass
    before = metrics(port)
    for i in range(n):
        request(a, "POST", f"/poll/send?session={sa}", json.dumps({"type": "say", "text": f"message {i:03d}"}).encode())
        while b'"said"' not in request(b, "GET", f"/poll/recv?session={sb}")[1]:
            pass
    return before, metrics(port)


def per_message(before, after, transport, n):
    c2s = after.get((transport, "c2s"), 0) - before.get((transport, "c2s"), 0)
    s2c = after.get((transport, "s2c"), 0) - before.get((transport, "s2c"), 0)
    return c2s / n, s2c / n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("relay"); ap.add_argument("load")
    ap.add_argument("--pairs", type=int, default=100); ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--messages", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()

    # Alternate the modes so a change in the machine's load hits both alike; keep the best run of each.
    runs = {"tap": [], "--no-tap": []}
    for _ in range(a.repeat):
        runs["tap"].append(load(a.relay, a.load, a.pairs, a.seconds, []))
        runs["--no-tap"].append(load(a.relay, a.load, a.pairs, a.seconds, ["--no-tap"]))
    best = {k: max(v, key=lambda r: r["messages_per_s"]) for k, v in runs.items()}
    print(f"WebSocket, {a.pairs} pairs, closed loop (one message in flight per pair), {a.seconds:.0f} s, "
          f"best of {a.repeat}:")
    for name, r in best.items():
        print(f"  {name:9} {r['messages_per_s']:>9.0f} messages/s   p50 {r['p50_us']:>6.0f} us   "
              f"p99 {r['p99_us']:>6.0f} us   relay CPU {r['relay_cpu_us_per_message']:.1f} us/message")
    tap, notap = best["tap"], best["--no-tap"]
    print(f"  tap cost: {100 * (1 - tap['messages_per_s'] / notap['messages_per_s']):.1f}% of throughput, "
          f"{tap['relay_cpu_us_per_message'] / notap['relay_cpu_us_per_message']:.2f}x relay CPU per message")

    p, port = start(a.relay)
    try:
        wb, wa = asyncio.run(ws_bytes(port, a.messages))
        pb, pa = poll_bytes(port, a.messages)
    finally:
        stop(p)
    wc, ws = per_message(wb, wa, "websocket", a.messages)
    pc, ps = per_message(pb, pa, "long_poll", a.messages)
    print(f"Bytes on the wire per chat message ({a.messages} messages, sender -> relay -> receiver):")
    print(f"  WebSocket     c2s {wc:7.1f}  s2c {ws:7.1f}  total {wc + ws:7.1f}")
    print(f"  long-polling  c2s {pc:7.1f}  s2c {ps:7.1f}  total {pc + ps:7.1f}   ({(pc + ps) / (wc + ws):.1f}x)")


if __name__ == "__main__":
    main()
