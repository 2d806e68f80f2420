// Lab 7 grader, tasks 3-5: the long-poll surface of your server, with your Strangers, over the network: a
// plain HTTP/1.1 client for the long-polling strangers, lab 5's raw WebSocket client for the others.
#include "poll_client.h"

#include <sys/wait.h>

using namespace lab7;

namespace {

// Milliseconds since t0 (for checks only: a transcript never prints a time it measured).
long long since(Clock::time_point t0) { return std::chrono::duration_cast<Ms>(Clock::now() - t0).count(); }

// A (WebSocket) finds first, P (long-poll) second: both must be paired with each other.
bool pair_ws_and_poll(chatgrade::Client& a, Poller& p) {
  if (a.open().empty() || p.open().empty()) return false;
  a.send_json({{"type", "find"}});
  if (!a.next_of("waiting")) return ADD_FAILURE() << "A got no waiting", false;
  GRADE_EXPECT_EQ("P's send find", 204, p.send({{"type", "find"}}).status);
  auto pa = a.next_of("paired");
  auto pp = p.next_of("paired");
  GRADE_EXPECT_EQ("A is paired with", p.label(), pa ? pa->value("peer", "") : "(no paired)");
  GRADE_EXPECT_EQ("P is paired with", a.label(), pp ? pp->value("peer", "") : "(no paired)");
  return pa && pp;
}

std::string error_of(const HttpResponse& r) {
  json j = json::parse(r.body, nullptr, false);
  return j.is_object() ? j.value("error", "") : "";
}

}  // namespace

GRADED_TEST(Poll, OpenAndWelcome, 2,
            "POST /poll/open: 200, Content-Type: application/json, body {\"session\":ID} (32 lowercase hex digits); "
            "the first GET /poll/recv?session=ID: 200 with a JSON array holding the welcome. Same connection (keep-alive).") {
  PollServer server(options(1000));
  HttpClient p(server.port(), "P");
  HttpResponse r = p.request("POST", "/poll/open");
  GRADE_ASSERT_EQ("status", 200, r.status);
  GRADE_EXPECT_EQ("Content-Type", std::string("application/json"), r.headers["content-type"]);
  GRADE_EXPECT_EQ("Cache-Control", std::string("no-store"), r.headers["cache-control"]);
  json j = json::parse(r.body, nullptr, false);
  std::string id = j.is_object() && j.contains("session") && j["session"].is_string() ? j["session"].get<std::string>() : "";
  GRADE_ASSERT_EQ("session is 32 lowercase hex digits", true, ws::is_session_id(id) && id.find_first_not_of("0123456789abcdef") == std::string::npos);
  r = p.request("GET", "/poll/recv?session=" + id);
  GRADE_ASSERT_EQ("status of the first recv", 200, r.status);
  GRADE_EXPECT_EQ("Content-Type", std::string("application/json"), r.headers["content-type"]);
  auto msgs = Poller::messages_of(r);
  GRADE_ASSERT_EQ("messages in the array", std::size_t{1}, msgs.size());
  GRADE_EXPECT_EQ("type", std::string("welcome"), msgs[0].value("type", ""));
  GRADE_EXPECT_EQ("you starts with \"Stranger \"", true, msgs[0].value("you", "").rfind("Stranger ", 0) == 0);
  r = p.request("POST", "/poll/open");
  j = json::parse(r.body, nullptr, false);
  GRADE_EXPECT_EQ("a second open on the same connection: status", 200, r.status);
  GRADE_EXPECT_EQ("a second session id differs", true, j.is_object() && j.value("session", id) != id);
}

GRADED_TEST(Poll, PairsWithWebSocket, 3,
            "A long-polling stranger and a WebSocket stranger are paired and chat without noticing: the same JSON "
            "messages both ways (paired, said, typing, left), a send's body going to your Strangers as a WebSocket "
            "text message would, what Strangers sends to the session answering its recv.") {
  PollServer server(options(1000));
  chatgrade::Client a(server.port(), "A");
  Poller p(server.port(), "P");
  if (!pair_ws_and_poll(a, p)) return;
  a.send_json({{"type", "say"}, {"text", "from the socket ✓"}});
  auto m = p.next_of("said");
  GRADE_EXPECT_EQ("P got", (json{{"type", "said"}, {"from", a.label()}, {"text", "from the socket ✓"}}).dump(),
                  m ? m->dump() : "(nothing)");
  GRADE_EXPECT_EQ("P's send say", 204, p.send({{"type", "say"}, {"text", "from the poll"}}).status);
  m = a.next_of("said");
  GRADE_EXPECT_EQ("A got", (json{{"type", "said"}, {"from", p.label()}, {"text", "from the poll"}}).dump(),
                  m ? m->dump() : "(nothing)");
  p.send({{"type", "typing"}, {"on", true}});
  m = a.next_of("typing");
  GRADE_EXPECT_EQ("A got", (json{{"type", "typing"}, {"from", p.label()}, {"on", true}}).dump(), m ? m->dump() : "(nothing)");
  a.send_json({{"type", "leave"}});
  m = p.next_of("left");
  GRADE_EXPECT_EQ("P got", (json{{"type", "left"}, {"who", a.label()}}).dump(), m ? m->dump() : "(nothing)");
}

GRADED_TEST(Poll, HeldUntilMessage, 2,
            "A held recv is answered as soon as a message for its session is queued (at once, not when hold_ms "
            "runs out): deliver a message to a session with a held recv by answering that recv.") {
  PollServer server(options(4000));
  chatgrade::Client a(server.port(), "A");
  Poller p(server.port(), "P");
  if (!pair_ws_and_poll(a, p)) return;
  HttpClient q(server.port(), "Q");
  grade::step("P and Q (a second connection of P's session) each send a recv: one of them is then held for sure");
  p.http().send_request("GET", "/poll/recv?session=" + p.session());
  q.send_request("GET", "/poll/recv?session=" + p.session());
  HttpClient* held = &q;
  if (p.http().read_response(Ms(1500)).status != 204) {
    if (q.read_response(Ms(300)).status != 204) {
      ADD_FAILURE() << "neither recv was answered 204: with two recvs in flight the older gets 204 (Poll.TwoRecvsOlderAnswered)";
      return;
    }
    held = &p.http();
  }
  a.send_json({{"type", "say"}, {"text", "wake up"}});
  auto t0 = Clock::now();
  HttpResponse r = held->read_response(Ms(6000));
  bool late = since(t0) >= 2000;
  auto msgs = Poller::messages_of(r);
  if (r.status == 200 && late) {
    grade::symptom("The said came only when hold_ms (4 s here) ran out: a message queued for a session whose recv "
                   "is held must answer that recv at once (answer it where you queue the message).");
  } else if (r.status == 204) {
    grade::symptom("The held recv was answered 204 although a message came for it: queue the message for the "
                   "session, then answer its held recv with it.");
  }
  GRADE_EXPECT_EQ("status of the held recv", 200, r.status);
  GRADE_EXPECT_EQ("it came at once (well before hold_ms)", true, r.status == 200 && !late);
  GRADE_EXPECT_EQ("it holds", (json{{"type", "said"}, {"from", a.label()}, {"text", "wake up"}}).dump(),
                  msgs.empty() ? "(nothing)" : msgs[0].dump());
}

GRADED_TEST(Poll, TwoRecvsOlderAnswered, 2,
            "Two recvs of one session in flight: the older is answered 204 at once and the newer is held in its place "
            "(as the project's relay does), so a client that reconnected gets its messages.") {
  PollServer server(options(4000));
  chatgrade::Client a(server.port(), "A");
  Poller p(server.port(), "P");
  if (!pair_ws_and_poll(a, p)) return;
  HttpClient q(server.port(), "Q");
  p.http().send_request("GET", "/poll/recv?session=" + p.session());
  HttpResponse first = p.http().read_response(Ms(300), true);  // nothing yet: held
  GRADE_EXPECT_EQ("P's recv is held (no answer yet)", true, first.status == 0);
  q.send_request("GET", "/poll/recv?session=" + p.session());
  auto t0 = Clock::now();
  HttpResponse older = p.http().read_response(Ms(1500));
  if (older.status == 0 && q.read_response(Ms(300)).status == 204) {
    grade::symptom("The newer recv (Q's) was answered and the older (P's) kept: answer the older one with 204 and "
                   "hold the newer, whose client is the one still listening.");
  }
  GRADE_EXPECT_EQ("P's (older) recv, answered when Q's came", 204, older.status);
  GRADE_EXPECT_EQ("at once", true, older.status == 204 && since(t0) < 1500);
  a.send_json({{"type", "say"}, {"text", "to the newer"}});
  auto msgs = Poller::messages_of(q.read_response(Ms(3000)));
  GRADE_EXPECT_EQ("Q's recv holds", (json{{"type", "said"}, {"from", a.label()}, {"text", "to the newer"}}).dump(),
                  msgs.empty() ? "(nothing)" : msgs[0].dump());
}

GRADED_TEST(Poll, TimeoutIs204, 1,
            "A recv with nothing to deliver is held for hold_ms, then answered 204 No Content (no body); the "
            "connection then carries the next request.") {
  PollServer server(options(600));
  Poller p(server.port(), "P");
  if (p.open().empty()) return;
  auto t0 = Clock::now();
  int status = 0;
  p.recv(Ms(4000), &status);
  long long took = since(t0);
  if (status == 204 && took < 300) {
    grade::symptom("The recv was answered 204 at once: with nothing to deliver, hold it (until a message comes or hold_ms pass).");
  } else if (status == 0) {
    grade::symptom("The recv was never answered: when hold_ms (600 ms here) pass, answer a held recv 204.");
  }
  GRADE_EXPECT_EQ("status", 204, status);
  GRADE_EXPECT_EQ("answered after about hold_ms (600 ms), not at once, not seconds later", true, took >= 300 && took < 3500);
  GRADE_EXPECT_EQ("then a send on the same connection", 204, p.send({{"type", "find"}}).status);
}

GRADED_TEST(Poll, UnknownAndMalformed, 2,
            "send/recv with an id that is not a session: 404 with {\"error\":\"unknown_session\",...} for 32 lowercase "
            "hex digits nobody was given, {\"error\":\"malformed_session\",...} for anything else (no session= too); "
            "the connection stays open.") {
  PollServer server(options(1000));
  Poller p(server.port(), "P");
  if (p.open().empty()) return;
  std::string unknown;
  for (int i = 0; i < 32; ++i) unknown += "0123456789abcdef"[grade::rng()() % 16];
  std::string upper = p.session();
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  const std::tuple<std::string, std::string, std::string> cases[] = {
      {"POST", "/poll/send?session=" + unknown, "unknown_session"},
      {"GET", "/poll/recv?session=" + unknown, "unknown_session"},
      {"GET", "/poll/recv?session=not-a-session", "malformed_session"},
      {"GET", "/poll/recv", "malformed_session"},
      {"POST", "/poll/send?session=" + upper, "malformed_session"}};
  for (const auto& [method, target, error] : cases) {
    HttpResponse r = p.http().request(method, target, method == "POST" ? R"({"type":"find"})" : "");
    GRADE_EXPECT_EQ("status", 404, r.status);
    GRADE_EXPECT_EQ("error", error, error_of(r));
  }
  GRADE_EXPECT_EQ("the real session still works on the same connection: send", 204, p.send({{"type", "find"}}).status);
}

GRADED_TEST(Poll, ExpiryTellsPeer, 3,
            "A session without a recv for expiry_ms ends: logic.on_close runs (its peer gets left) and its id is "
            "unknown (404) from then on; a session that keeps polling lives on.") {
  PollServer server(options(300, 900));
  chatgrade::Client a(server.port(), "A");
  Poller p(server.port(), "P"), q(server.port(), "Q");
  if (!pair_ws_and_poll(a, p) || q.open().empty()) return;
  grade::step("P stops polling; Q keeps polling: 5 recvs, each held 300 ms, 1.5 s in all");
  for (int i = 0; i < 5; ++i) {
    int status = 0;
    q.recv(Ms(2000), &status);
    if (status == 404) {
      grade::symptom("Q's session ended although Q kept polling: expiry counts from the last recv (answered or "
                     "held), not from /poll/open.");
      ADD_FAILURE() << "Q's recv got 404";
      return;
    }
  }
  std::optional<json> left = a.next_of("left", Ms(3000));
  if (!left) {
    grade::symptom("A never heard that P left: when a session expires, run logic.on_close for its ConnId and "
                   "deliver what it returns (the peer's left), as for a WebSocket that closed.");
  }
  GRADE_EXPECT_EQ("A got", (json{{"type", "left"}, {"who", p.label()}}).dump(), left ? left->dump() : "(nothing)");
  int status = 0;
  p.recv(Ms(2000), &status);
  GRADE_EXPECT_EQ("P's recv after its session expired: status", 404, status);
}

GRADED_TEST(Poll, KeepAliveAndPipelining, 2,
            "HTTP/1.1 keep-alive (RFC 9112 9.3): requests one after the other on one connection, several in one "
            "packet, a body arriving in pieces; answers in the order of the requests, a held recv's first.") {
  PollServer server(options(500));
  HttpClient p(server.port(), "P");
  grade::step("two POST /poll/open in one write");
  p.send_raw("POST /poll/open HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"
             "POST /poll/open HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
  HttpResponse r1 = p.read_response();
  HttpResponse r2 = r1.status ? p.read_response() : HttpResponse{};
  GRADE_EXPECT_EQ("statuses", std::string("200 200"), std::to_string(r1.status) + " " + std::to_string(r2.status));
  json j = json::parse(r1.body, nullptr, false);
  std::string id = j.is_object() ? j.value("session", "") : "";
  if (!ws::is_session_id(id)) return (void)(ADD_FAILURE() << "no session id in the first answer");
  const std::string body = R"({"type":"find"})";
  const std::string send_head = "POST /poll/send?session=" + id + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                                "application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  grade::step("a send whose body comes in three pieces");
  p.send_raw(send_head);
  p.send_raw(body.substr(0, 5));
  p.send_raw(body.substr(5));
  GRADE_EXPECT_EQ("status", 204, p.read_response().status);
  grade::step("a recv (it brings the welcome and waiting), then a recv that is held, then a send, in one write");
  p.send_raw("GET /poll/recv?session=" + id + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" + "GET /poll/recv?session=" + id +
             " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" + send_head + body);
  HttpResponse a = p.read_response();
  HttpResponse b = a.status ? p.read_response(Ms(3000)) : HttpResponse{};
  HttpResponse c = b.status ? p.read_response(Ms(3000)) : HttpResponse{};
  GRADE_EXPECT_EQ("statuses in order: the recv's 200, the held recv's 204 (after hold_ms), the send's 204",
                  std::string("200 204 204"), std::to_string(a.status) + " " + std::to_string(b.status) + " " + std::to_string(c.status));
}

GRADED_TEST(Poll, Limits, 1,
            "Bounded: at most max_sessions sessions (then /poll/open answers 503 {\"error\":\"too_many_sessions\",...}); "
            "a send body over chat.max_message_len answers 413 {\"error\":\"too_long\",...}.") {
  ws::PollOptions o = options(1000);
  o.max_sessions = 3;
  PollServer server(o);
  HttpClient p(server.port(), "P");
  for (int i = 0; i < 3; ++i) GRADE_ASSERT_EQ("open " + std::to_string(i + 1) + " of 3", 200, p.request("POST", "/poll/open").status);
  HttpResponse r = p.request("POST", "/poll/open");
  GRADE_EXPECT_EQ("a fourth open: status", 503, r.status);
  GRADE_EXPECT_EQ("error", std::string("too_many_sessions"), error_of(r));
  Poller q(server.port(), "Q");
  HttpResponse big = q.http().request("POST", "/poll/send?session=0123456789abcdef0123456789abcdef",
                                      json{{"type", "say"}, {"text", std::string(5000, 'x')}}.dump());
  GRADE_EXPECT_EQ("a send of 5000+ bytes: status", 413, big.status);
  GRADE_EXPECT_EQ("error", std::string("too_long"), error_of(big));
}

GRADED_TEST(Mixed, PythonClients, 2,
            "Real clients: python `websockets` and python's http.client (keep-alive) chat through your server, one "
            "over each transport.") {
  PollServer server(options(1000));
  const std::string script =
      "import asyncio, http.client, json, sys, websockets\n"
      "port = int(sys.argv[1])\n"
      "h = http.client.HTTPConnection('127.0.0.1', port, timeout=5)\n"
      "def req(method, path, body=None):\n"
      "    h.request(method, path, body=body, headers={'Content-Type': 'application/json'})\n"
      "    r = h.getresponse(); data = r.read()\n"
      "    return r.status, (json.loads(data) if data else None)\n"
      "async def main():\n"
      "    ws = await websockets.connect(f'ws://127.0.0.1:{port}/chat')\n"
      "    me = json.loads(await ws.recv())['you']\n"
      "    await ws.send(json.dumps({'type': 'find'}))\n"
      "    assert json.loads(await ws.recv())['type'] == 'waiting'\n"
      "    st, o = req('POST', '/poll/open'); assert st == 200, st\n"
      "    s = o['session']\n"
      "    st, msgs = req('GET', '/poll/recv?session=' + s); assert msgs[0]['type'] == 'welcome', msgs\n"
      "    them = msgs[0]['you']\n"
      "    assert req('POST', '/poll/send?session=' + s, json.dumps({'type': 'find'}))[0] == 204\n"
      "    assert json.loads(await asyncio.wait_for(ws.recv(), 5)) == {'type': 'paired', 'peer': them}\n"
      "    await ws.send(json.dumps({'type': 'say', 'text': 'from websockets'}))\n"
      "    got = []\n"
      "    while not any(m['type'] == 'said' for m in got):\n"
      "        st, msgs = await asyncio.to_thread(req, 'GET', '/poll/recv?session=' + s); got += msgs or []\n"
      "    assert {'type': 'said', 'from': me, 'text': 'from websockets'} in got, got\n"
      "    assert req('POST', '/poll/send?session=' + s, json.dumps({'type': 'say', 'text': 'from http.client'}))[0] == 204\n"
      "    m = json.loads(await asyncio.wait_for(ws.recv(), 5))\n"
      "    assert m == {'type': 'said', 'from': them, 'text': 'from http.client'}, m\n"
      "    await ws.close()\n"
      "    print('ok')\n"
      "asyncio.run(asyncio.wait_for(main(), 15))\n";
  grade::step("python3: a websockets client finds; an http.client poller opens, finds; they say one message each way");
  std::optional<grade::PythonRun> py = grade::run_python(script, std::to_string(server.port()));
  if (!py) return;
  const std::string& out = py->output;
  grade::got(out);
  GRADE_EXPECT_EQ("python's last line", std::string("ok\n"), out.size() >= 3 ? out.substr(out.size() - 3) : out);
  GRADE_EXPECT_EQ("python's exit status", 0, py->exit_code);
}
