// Lab 5 grader, tasks 5-6: your run_chat_server with your Hub, on 127.0.0.1 (a port from the OS), driven
// by the grader's raw-socket clients and by python `websockets` (Debian's /usr/bin/python3).
#include "chat_client.h"

#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <map>

using namespace chatgrade;

namespace {

std::vector<std::unique_ptr<Client>> room_of(int port, int n, const std::string& room, bool quiet = false) {
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < n; ++i) {
    clients.push_back(std::make_unique<Client>(port, std::string(1, static_cast<char>('A' + i)), quiet));
    if (clients.back()->open().empty()) return clients;
  }
  join_all(clients, room);
  return clients;
}

std::string said_text(const std::optional<json>& m) {
  return m && m->value("type", "") == "said" && (*m)["text"].is_string() ? (*m)["text"].get<std::string>() : "";
}

}  // namespace

GRADED_TEST(Room, TenMembers, 3,
            "A room of 10 over the network: each said goes to the 9 others, never back to the sender, and each "
            "sender's messages arrive in the order they were sent (queue them in order per connection).") {
  ws::Hub hub;
  Server server(hub, {});
  auto clients = room_of(server.port(), 10, "lab", true);
  if (testing::Test::HasFailure()) return;
  grade::step("10 clients joined room \"lab\"; each sends 5 says, one after another, round-robin");
  for (int k = 0; k < 5; ++k) {
    for (auto& c : clients) c->send_json({{"type", "say"}, {"text", c->name() + std::to_string(k)}});
  }
  for (auto& c : clients) {
    std::map<std::string, int> next_from;  // sender name -> the next k expected
    for (int got = 0; got < 45; ++got) {
      auto m = c->next_of("said");
      std::string text = said_text(m);
      if (text.empty()) {
        ADD_FAILURE() << c->name() << " got " << got << " of the 45 said messages of the others";
        return;
      }
      std::string from = text.substr(0, 1);
      if (from == c->name()) {
        grade::symptom("A member got its own message back over the network: a said goes to the others only.");
        ADD_FAILURE() << c->name() << " got its own \"" << text << "\"";
        return;
      }
      if (text != from + std::to_string(next_from[from])) {
        ADD_FAILURE() << c->name() << " got \"" << text << "\" from " << from << " before \"" << from
                      << next_from[from] << "\": per-sender order broken";
        return;
      }
      ++next_from[from];
    }
  }
  grade::ok("every member got the 45 messages of the others, each sender's in order");
}

GRADED_TEST(Room, PartialAndCoalescedReads, 2,
            "Frames come in pieces and together: feed every recv() to the connection's FrameReader and handle "
            "every whole frame it has, not just one per recv().") {
  ws::Hub hub;
  Server server(hub, {});
  auto clients = room_of(server.port(), 2, "lab");
  if (testing::Test::HasFailure()) return;
  Client& a = *clients[0];
  Client& b = *clients[1];
  Bytes one = client_frame(0x81, R"({"type":"say","text":"one byte at a time"})");
  a.log("sends a say frame one byte per send(), 2 ms apart");
  for (std::uint8_t byte : one) {
    a.send_raw({byte});
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  GRADE_EXPECT_EQ("B got", std::string("one byte at a time"), said_text(b.next_of("said")));
  Bytes three;
  for (const char* t : {"first", "second", "third"}) {
    Bytes f = client_frame(0x81, json{{"type", "say"}, {"text", t}}.dump());
    three.insert(three.end(), f.begin(), f.end());
  }
  a.log("sends three say frames in one send()");
  a.send_raw(three);
  for (const char* t : {"first", "second", "third"}) {
    std::string got = said_text(b.next_of("said"));
    if (got.empty()) grade::symptom("Only part of one recv() was handled: after feeding the reader, call next() until it needs more.");
    GRADE_EXPECT_EQ("B got", std::string(t), got);
    if (testing::Test::HasFailure()) return;
  }
}

GRADED_TEST(Room, DisconnectMidFrame, 2,
            "A client that vanishes in the middle of a frame: recv() returns 0, the connection is closed, "
            "on_close runs once (the room hears left) and everyone else carries on.") {
  ws::Hub hub;
  Server server(hub, {});
  auto clients = room_of(server.port(), 3, "lab");
  if (testing::Test::HasFailure()) return;
  Bytes half = client_frame(0x81, R"({"type":"say","text":"never finished"})");
  half.resize(half.size() / 2);
  clients[0]->log("sends half a frame and closes its socket");
  clients[0]->send_raw(half);
  shutdown(clients[0]->fd(), SHUT_RDWR);
  for (int i = 1; i < 3; ++i) {
    auto left = clients[i]->next_of("left");
    GRADE_ASSERT_EQ(clients[i]->name() + " heard that A left", true, left.has_value());
    GRADE_EXPECT_EQ("who", clients[0]->label(), left->value("who", ""));
  }
  clients[1]->send_json({{"type", "say"}, {"text", "still here"}});
  GRADE_EXPECT_EQ("C got", std::string("still here"), said_text(clients[2]->next_of("said")));
}

GRADED_TEST(Room, GarbageKeepsConnection, 1,
            "A text message that is not a chat message gets an error bad_message, and the connection stays open: "
            "its next say still reaches the room.") {
  ws::Hub hub;
  Server server(hub, {});
  auto clients = room_of(server.port(), 2, "lab");
  if (testing::Test::HasFailure()) return;
  clients[0]->send_text("{\"type\":\"say\",\"text\":");
  auto e = clients[0]->next();
  GRADE_EXPECT_EQ("A got an error bad_message", true, e && e->value("type", "") == "error" && e->value("code", "") == "bad_message");
  clients[0]->send_json({{"type", "say"}, {"text", "after the garbage"}});
  GRADE_EXPECT_EQ("B got", std::string("after the garbage"), said_text(clients[1]->next_of("said")));
}

GRADED_TEST(Room, SlowConsumerIsCut, 4,
            "One writer per connection: every frame goes into its connection's bounded queue and is written on "
            "POLLOUT. A member that never reads is cut off (close code from RFC 6455 7.4.1) once its queue passes "
            "max_queued_bytes; the others keep getting every message at once.") {
  ws::Hub hub;
  ws::ServerOptions options;
  options.max_queued_bytes = 64 * 1024;
  Server server(hub, options);
  grade::step("room \"flood\": A sends, S never reads (receive buffer 4 KiB); room \"quiet\": B and C chat");
  Client a(server.port(), "A", true), b(server.port(), "B", true), c(server.port(), "C", true);
  Client s(server.port(), "S", true, 4096);
  for (Client* x : {&a, &s, &b, &c}) {
    if (x->open().empty()) return;
    x->send_json({{"type", "join"}, {"room", x == &a || x == &s ? "flood" : "quiet"}});
    if (x != &s && !x->next_of("joined")) return (void)(ADD_FAILURE() << x->name() << " got no joined");
  }
  auto t0 = Clock::now();
  auto ms_since = [&] { return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count(); };
  // B's probe `text` to C; its latency in ms, or -1 when C did not get it within 2 s.
  auto probe = [&](const std::string& text) -> long long {
    long long sent_at = ms_since();
    b.send_raw(client_frame(0x81, json{{"type", "say"}, {"text", text}}.dump()));
    auto m = c.next_of("said", std::chrono::seconds(2));
    return m && (*m)["text"] == text ? ms_since() - sent_at : -1;
  };
  // The quiet latency first, before any flood: on a machine busy with other work (a full test run on 2
  // cores) it alone takes tens of ms, and the bound grows with it: 100 ms, or 3 times the quiet latency
  // when that is over 33 ms (as lab 8's hostile-client tests do).
  grade::step("B says 5 probes to C before the flood: their median is the quiet latency");
  std::vector<long long> quiet;
  for (int i = 0; i < 5; ++i) {
    long long ms = probe("quiet " + std::to_string(i));
    if (ms < 0) return (void)(ADD_FAILURE() << "C did not get B's probe " << i << " (no flood yet) within 2 s");
    quiet.push_back(ms);
  }
  std::sort(quiet.begin(), quiet.end());
  const long long quiet_ms = quiet[quiet.size() / 2];
  const long long bound_ms = std::max(100LL, 3 * quiet_ms);
  const bool busy = quiet_ms > 33;
  grade::step("A sends 5000 says of 1900 bytes (9.5 MB) to S; meanwhile B says a numbered probe every 20 ms");
  constexpr int kCount = 5000;
  std::atomic<bool> sending{true};
  const long long flood_at = ms_since();
  std::atomic<long long> sent_all_at{1LL << 40};
  std::thread sender([&] {
    const std::string say = json{{"type", "say"}, {"text", std::string(1900, 'x')}}.dump();
    const Bytes frame = client_frame(0x81, say);
    for (int i = 0; i < kCount && sending; ++i) a.send_raw(frame);
    sent_all_at = ms_since();
  });
  std::vector<long long> latencies;
  int probes = 0;
  // Probes go on for 2 s after A's last send: the kernel may take all of A's bytes before the server has
  // read them, and a server stuck on S shows only once it gets that far. At most 8 s of probes in all, so
  // that on a busy machine the test ends (its verdict with it) well inside the lab's 20 s limit.
  for (; (ms_since() < sent_all_at + 2000 || probes < 10) && ms_since() < flood_at + 8000 && probes < 400; ++probes) {
    long long ms = probe(std::to_string(probes));
    if (ms < 0) break;
    latencies.push_back(ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  bool all_came = static_cast<int>(latencies.size()) == probes;
  sending = false;
  shutdown(a.fd(), SHUT_RDWR);  // unblocks the sender (and a server stuck writing to S) if it is stuck
  sender.join();
  grade::step("C got " + std::to_string(latencies.size()) + " of B's " + std::to_string(probes) + " probes");
  std::sort(latencies.begin(), latencies.end());
  const long long median = latencies.empty() ? -1 : latencies[latencies.size() / 2];
  const bool quick = median >= 0 && median < bound_ms;
  if (busy && (!all_came || !quick)) {  // the first symptom is the hint: this one, when the load may explain it
    grade::symptom("The machine was busy: before the flood B -> C already took " + std::to_string(quiet_ms) +
                   " ms (on an idle machine: a millisecond or two), so the bound was stretched to 3 times that, " +
                   std::to_string(bound_ms) + " ms. This may be the load, not your code: re-run this one test when "
                   "the machine is quieter (the re-run line below). If it fails then too: queue every frame per "
                   "connection, write only on POLLOUT with non-blocking sockets, and cut a queue that grows past "
                   "max_queued_bytes.");
  } else if (!all_came) {
    grade::symptom("The others stopped receiving while one member did not read: your server waits on the slow "
                   "member (a blocking send, or a write to it from inside another client's read). Queue every frame "
                   "per connection, write only on POLLOUT with non-blocking sockets, and cut a queue that grows past "
                   "max_queued_bytes.");
  } else if (!quick) {
    grade::symptom("C got B's probes late while A flooded S (before the flood they took " + std::to_string(quiet_ms) +
                   " ms): the room waits on the member that does not read. Never write to a connection from inside "
                   "another's read until the kernel takes it: queue the frame, write it on POLLOUT.");
  }
  GRADE_EXPECT_EQ("every probe reached C within 2 s", true, all_came);
  grade::step("median latency B -> C while A flooded S: " + std::to_string(median) + " ms (before the flood: " +
              std::to_string(quiet_ms) + " ms; bound: " + std::to_string(bound_ms) + " ms)");
  GRADE_EXPECT_EQ(busy ? "median latency under 3 times the quiet one (a busy machine)" : "median latency under 100 ms",
                  true, quick);
  grade::step("S reads now: what its queue held, then (maybe) a close frame, then the end of the connection");
  auto read_until = Clock::now() + std::chrono::seconds(5);
  while (Clock::now() < read_until && s.next(std::chrono::seconds(1))) {
  }
  bool closed = s.closed_within(std::chrono::seconds(3));
  if (all_came && !closed) {
    grade::symptom("The member that never read was never cut off, so its queue (your server's memory) grew without "
                   "bound: when a queue would pass max_queued_bytes, drop it, queue a close frame, run on_close and "
                   "close the connection within a second.");
  }
  GRADE_EXPECT_EQ("S's connection was closed by the server", true, closed);
  if (auto code = s.close_code()) {
    bool ok = (*code >= 1000 && *code <= 1003) || (*code >= 1007 && *code <= 1011);
    GRADE_EXPECT_EQ("S's close code " + std::to_string(*code) + " is one of RFC 6455 7.4.1", true, ok);
  }
}

GRADED_TEST(Room, ServesBrowserFiles, 1,
            "A request without \"Upgrade: websocket\" is a file request: GET / is web_dir/index.html, GET "
            "/static/NAME is web_dir/NAME, with 200, Content-Type, Content-Length and Connection: close; 404 for "
            "anything else, \"..\" included.") {
  std::optional<std::string> made = grade::temp_dir("wirelab-web");
  if (!made) return;
  const std::string& dir = *made;
  std::ofstream(dir + "/index.html") << "<!doctype html><title>hi</title>";
  std::ofstream(dir + "/app.js") << "console.log('hi');";
  ws::Hub hub;
  ws::ServerOptions options;
  options.web_dir = dir;
  Server server(hub, options);
  struct Case { std::string target; std::string status; std::string body; };
  const Case cases[] = {{"/", "HTTP/1.1 200 OK", "<!doctype html><title>hi</title>"},
                        {"/?room=cs101", "HTTP/1.1 200 OK", "<!doctype html><title>hi</title>"},
                        {"/static/app.js", "HTTP/1.1 200 OK", "console.log('hi');"},
                        {"/static/nope.css", "HTTP/1.1 404 Not Found", ""},
                        {"/static/../index.html", "HTTP/1.1 404 Not Found", ""}};
  for (const auto& k : cases) {
    Client c(server.port(), "browser");
    std::string req = "GET " + k.target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    grade::sent(req);
    c.send_raw(Bytes(req.begin(), req.end()));
    Bytes all = c.read_exact(1 << 20, Clock::now() + std::chrono::seconds(3));
    std::string got(all.begin(), all.end());
    grade::got(got.substr(0, got.find("\r\n\r\n")));
    GRADE_EXPECT_EQ("status line for " + k.target, k.status, got.substr(0, got.find("\r\n")));
    if (k.status.find("200") != std::string::npos) {
      auto body_at = got.find("\r\n\r\n");
      GRADE_EXPECT_EQ("body", k.body, body_at == std::string::npos ? std::string() : got.substr(body_at + 4));
      GRADE_EXPECT_EQ("has Content-Length", true, got.find("Content-Length: " + std::to_string(k.body.size())) != std::string::npos);
    }
    if (testing::Test::HasFailure()) break;
  }
  std::remove((dir + "/index.html").c_str());
  std::remove((dir + "/app.js").c_str());
  rmdir(dir.c_str());
}

GRADED_TEST(Room, PythonWebsockets, 2,
            "python `websockets` (a real client library) must talk to your server: three clients join a room and "
            "chat. If the handshake fails, compare your 101 with lab 1's.") {
  ws::Hub hub;
  Server server(hub, {});
  const std::string script =
      "import asyncio, json, sys, websockets\n"
      "async def main(url):\n"
      "    clients = [await websockets.connect(url) for _ in range(3)]\n"
      "    labels = [json.loads(await c.recv())['you'] for c in clients]\n"
      "    for i, c in enumerate(clients):\n"
      "        await c.send(json.dumps({'type': 'join', 'room': 'py'}))\n"
      "        for k in range(i + 1):\n"
      "            assert json.loads(await asyncio.wait_for(clients[k].recv(), 5))['type'] == 'joined'\n"
      "    await clients[0].send(json.dumps({'type': 'say', 'text': 'from python'}))\n"
      "    for c in clients[1:]:\n"
      "        m = json.loads(await asyncio.wait_for(c.recv(), 5))\n"
      "        assert m == {'type': 'said', 'from': labels[0], 'text': 'from python'}, m\n"
      "    for c in clients: await c.close()\n"
      "    print('ok')\n"
      "asyncio.run(asyncio.wait_for(main(sys.argv[1]), 15))\n";
  {  // python's own wait for a server that never answers is 10 s: the grader's client finds out sooner
    Client probe(server.port(), "the grader's own client, before python", true);
    if (probe.open().empty()) return;
  }
  grade::step("python3: 3 websockets clients connect, join room \"py\", the first says \"from python\"");
  std::optional<grade::PythonRun> py = grade::run_python(script, "ws://127.0.0.1:" + std::to_string(server.port()) + "/chat");
  if (!py) return;
  const std::string& out = py->output;
  grade::got(out);
  GRADE_EXPECT_EQ("python's last line", std::string("ok\n"), out.size() >= 3 ? out.substr(out.size() - 3) : out);
  GRADE_EXPECT_EQ("python's exit status", 0, py->exit_code);
}
