"""Both listeners (chat and mirror) bind exactly the address asked for (issue 17 item 1).

libwebsockets 4.1.6 on an IPv6 build turned `--bind 127.0.0.1` into a socket on
"::" (every address, IPv4 too), and names such as `localhost` into no listener
at all ("port 0"). The bound address is read back from /proc/net/tcp{,6}, the
kernel's own account, and checked by connecting to another loopback address."""
import os
import socket
import subprocess
import unittest

from relay_process import Relay, relay_binary

LISTEN = "0A"   # /proc/net/tcp state of a listening socket


def listening_addresses(port):
    """Every local address with a listening socket on `port`, e.g. ["127.0.0.1"] or ["::"]."""
    found = []
    for name, family in (("/proc/net/tcp", socket.AF_INET), ("/proc/net/tcp6", socket.AF_INET6)):
        if not os.path.exists(name):
            continue
        with open(name) as f:
            next(f)
            for line in f:
                fields = line.split()
                local, state = fields[1], fields[3]
                addr_hex, port_hex = local.split(":")
                if state != LISTEN or int(port_hex, 16) != port:
                    continue
                # Each 32-bit word is in host (little-endian) order.
                raw = b"".join(bytes.fromhex(addr_hex[i:i + 8])[::-1] for i in range(0, len(addr_hex), 8))
                found.append(socket.inet_ntop(family, raw))
    return sorted(found)


def connects(host, port, family=socket.AF_INET):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(5)
    try:
        s.connect((host, port))
        return True
    except (ConnectionRefusedError, OSError):
        return False
    finally:
        s.close()


def run_relay_expecting_exit(*flags, timeout=30):
    """Runs the relay with flags that must make it exit; returns (code, stdout, stderr)."""
    cmd = [relay_binary(), "--port", "0", "--mirror-port", "0", *flags]
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, text=True)
    return p.returncode, p.stdout, p.stderr


class Binding(unittest.TestCase):
    def start(self, *flags):
        relay = Relay(*flags, name=self._testMethodName)
        relay.start()
        self.addCleanup(relay.stop)
        return relay

    def assertListensExactly(self, port, expected, what):
        got = listening_addresses(port)
        self.assertEqual(got, [expected], f"{what} port {port}: should have listened on exactly {expected}, "
                                          f"but instead the kernel lists {got}")

    def test_defaults_bind_127_0_0_1_only(self):
        relay = self.start()
        self.assertListensExactly(relay.port, "127.0.0.1", "chat")
        self.assertListensExactly(relay.mirror_port, "127.0.0.1", "mirror")
        # Another loopback address is another address: nothing listens there.
        self.assertFalse(connects("127.0.0.2", relay.port), "chat port answered on 127.0.0.2")
        self.assertFalse(connects("127.0.0.2", relay.mirror_port), "mirror port answered on 127.0.0.2")
        self.assertTrue(connects("127.0.0.1", relay.port))
        self.assertTrue(connects("127.0.0.1", relay.mirror_port))

    def test_no_tap_binds_exactly_too(self):
        relay = self.start("--no-tap")
        self.assertListensExactly(relay.port, "127.0.0.1", "chat (--no-tap)")
        self.assertFalse(connects("127.0.0.2", relay.port), "chat port (--no-tap) answered on 127.0.0.2")

    def test_bind_127_0_0_2_is_not_127_0_0_1(self):
        relay = self.start("--bind", "127.0.0.2", "--mirror-bind", "127.0.0.3")
        self.assertListensExactly(relay.port, "127.0.0.2", "chat")
        self.assertListensExactly(relay.mirror_port, "127.0.0.3", "mirror")
        self.assertFalse(connects("127.0.0.1", relay.port), "chat port answered on 127.0.0.1")
        self.assertTrue(connects("127.0.0.2", relay.port))

    def test_any_ipv4_when_asked(self):
        relay = self.start("--bind", "0.0.0.0")
        self.assertListensExactly(relay.port, "0.0.0.0", "chat")
        self.assertEqual(relay.host, "0.0.0.0")
        self.assertTrue(connects("127.0.0.2", relay.port), "--bind 0.0.0.0 should accept on 127.0.0.2")
        self.assertListensExactly(relay.mirror_port, "127.0.0.1", "mirror")

    def test_any_ipv6_when_asked(self):
        relay = self.start("--bind", "::")
        self.assertListensExactly(relay.port, "::", "chat")
        self.assertEqual(relay.host, "[::]")
        self.assertTrue(connects("::1", relay.port, socket.AF_INET6), "--bind :: should accept on ::1")

    def test_ipv6_loopback(self):
        relay = self.start("--bind", "::1", "--mirror-bind", "::1")
        self.assertListensExactly(relay.port, "::1", "chat")
        self.assertListensExactly(relay.mirror_port, "::1", "mirror")
        self.assertFalse(connects("127.0.0.1", relay.port), "--bind ::1 answered on 127.0.0.1")

    def test_names_are_resolved(self):
        relay = self.start("--bind", "127.1", "--mirror-bind", "localhost")
        self.assertEqual((relay.host, relay.mirror_host), ("127.0.0.1", "127.0.0.1"))
        self.assertNotEqual(relay.mirror_port, 0)
        self.assertListensExactly(relay.port, "127.0.0.1", "chat (--bind 127.1)")
        self.assertListensExactly(relay.mirror_port, "127.0.0.1", "mirror (--mirror-bind localhost)")

    def test_unresolvable_name_exits_1_with_a_reason(self):
        for flags in (("--bind", "no-such-host.invalid"),
                      ("--mirror-bind", "no-such-host.invalid", "--mirror-token", "t0ken")):
            code, out, err = run_relay_expecting_exit(*flags)
            self.assertEqual(code, 1, f"{flags}: should have exited 1, but instead {code}; stdout {out!r} stderr {err!r}")
            self.assertIn("no-such-host.invalid", err)
            self.assertIn("resolve", err)
            self.assertNotIn("listening on", out, "a listening line was printed for an address that does not resolve")

    def test_address_not_on_this_host_exits_1(self):
        # 192.0.2.1 is TEST-NET-1 (RFC 5737): on no interface here.
        code, out, err = run_relay_expecting_exit("--bind", "192.0.2.1")
        self.assertEqual(code, 1, f"should have exited 1, but instead {code}; stdout {out!r} stderr {err!r}")
        self.assertIn("192.0.2.1", err)
        self.assertNotIn("listening on", out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
