// Lab 8 grader, tasks 3-4: keepalive on the wire (the times are the ones your welcome states), and the
// shutdown: 1001 to every WebSocket, every held recv answered, returning within 2 s.
#include "survive_client.h"

using namespace lab8;

namespace {

// The welcome's keepalive, in ms (-1 when the welcome does not say it).
struct Stated {
  long long ping_after_ms = -1, pong_within_ms = -1;
};

Stated read_welcome(chatgrade::Client& c) {
  if (!c.handshake()) {
    ADD_FAILURE() << c.name() << ": the handshake was not answered with 101";
    return {};
  }
  auto w = c.next();
  Stated s;
  if (!w || w->value("type", "") != "welcome") {
    ADD_FAILURE() << c.name() << ": the first message after the 101 must be the welcome";
    return s;
  }
  const json& limits = (*w)["limits"];
  if (limits.is_object() && limits["ping_after_s"].is_number() && limits["pong_within_s"].is_number()) {
    s.ping_after_ms = std::llround(limits["ping_after_s"].get<double>() * 1000);
    s.pong_within_ms = std::llround(limits["pong_within_s"].get<double>() * 1000);
  } else {
    grade::symptom("The welcome has no \"limits\":{\"ping_after_s\":...,\"pong_within_s\":...}: send it through "
                   "welcome_with_keepalive, so clients (and this grader) know your keepalive.");
    ADD_FAILURE() << "the welcome states no keepalive";
  }
  return s;
}

}  // namespace

GRADED_TEST(Keepalive, PingsAQuietClient, 2,
            "A WebSocket quiet for ping_after_ms gets a ping (RFC 6455 5.5.2), the times your welcome states: a "
            "Keepalive per connection, ticked by your loop, heard() at every frame; its ping goes into the queue.") {
  SurviveServer server(options(300, 2000));  // a long pong_within: a busy machine may delay the pong
  auto t0 = Clock::now();  // before the 101: the quiet period starts after it, so it is at least since(t0)
  chatgrade::Client a(server.port(), "A");
  Stated s = read_welcome(a);
  if (s.ping_after_ms < 0) return;
  grade::step("A: stays quiet, and answers a ping with a pong");
  auto deadline = t0 + Ms(s.ping_after_ms + 1500);
  std::optional<Frame> f;
  while ((f = a.next_frame(deadline)) && f->opcode != 0x9) {
  }
  if (!f) {
    grade::symptom("No ping came within ping_after_s (+1.5 s) of quiet: is each WebSocket's Keepalive ticked by "
                   "your loop (at least every 100 ms), and its ping queued as a frame (opcode 0x9)?");
    GRADE_EXPECT_EQ("a ping came", true, false);
    return;
  }
  bool not_early = since(t0) >= s.ping_after_ms;
  GRADE_EXPECT_EQ("the ping came after ping_after_s of quiet, not before", true, not_early);
  a.send_raw(chatgrade::client_frame(0x8a, f->payload));
  grade::step("A: sends the pong, then stays quiet again");
  deadline = Clock::now() + Ms(s.ping_after_ms + 1500);
  while ((f = a.next_frame(deadline)) && f->opcode != 0x9) {
  }
  GRADE_EXPECT_EQ("after the pong, the next quiet period ends in a ping too", true, f.has_value());
  GRADE_EXPECT_EQ("A's connection is open", false, a.eof());
}

GRADED_TEST(Keepalive, HangsUpTheSilent, 3,
            "A client that answers no ping is hung up pong_within_ms after the ping (the times your welcome states); "
            "logic.on_close runs for it, so its peer hears `left`. A client that answers stays.") {
  SurviveServer server(options(300, 1000));
  chatgrade::Client a(server.port(), "A"), b(server.port(), "B");
  Stated s = read_welcome(a);
  if (s.ping_after_ms < 0 || read_welcome(b).ping_after_ms < 0) return;
  a.send_json({{"type", "find"}});
  auto t0 = Clock::now();  // before B's last message: B's quiet period starts after it
  b.send_json({{"type", "find"}});
  // Both answer pings until they are paired (on a busy machine 300 ms pass quickly).
  auto paired_by = Clock::now() + chatgrade::kWait;
  if (!next_alive(a, "paired", paired_by) || !next_alive(b, "paired", paired_by)) {
    return (void)(ADD_FAILURE() << "A and B were not paired");
  }
  grade::step("B goes silent (it answers no ping, as a laptop whose lid closed); A answers every ping");
  auto left = next_alive(a, "left", t0 + Ms(s.ping_after_ms + s.pong_within_ms + 2000));
  bool b_gone = b.closed_within(Ms(500));
  GRADE_EXPECT_EQ("B's connection was closed by the server", true, b_gone);
  if (!left && !b_gone) {
    grade::symptom("The silent client was never hung up (pong_within_s after its ping): act on the Keepalive's "
                   "hang_up, close the connection and run logic.on_close.");
  }
  GRADE_EXPECT_EQ("A heard that B left", true, left.has_value());
  if (left) GRADE_EXPECT_EQ("not before ping_after_s + pong_within_s", true, since(t0) >= s.ping_after_ms + s.pong_within_ms);
  GRADE_EXPECT_EQ("A (who answers) is still connected", false, a.eof());
}

GRADED_TEST(Shutdown, GoingAway, 2,
            "At stop: a close frame with 1001 (going away, RFC 6455 7.4.1) to every WebSocket, after what is already "
            "queued for it, then return within 2 s.") {
  auto server = std::make_unique<SurviveServer>(options());
  Pair pair(server->port());
  if (!pair.open()) return;
  grade::step("the server is told to stop (SIGTERM in your main.cpp sets `stop`)");
  auto t0 = Clock::now();
  bool returned = server->stop(Ms(2500));
  int code_a = close_code_within(pair.a, Ms(2000));
  int code_b = close_code_within(pair.b, Ms(500));
  GRADE_EXPECT_EQ("A's close code", 1001, code_a);
  GRADE_EXPECT_EQ("B's close code", 1001, code_b);
  if (code_a == 1000 || code_b == 1000) {
    grade::symptom("The close said 1000 (normal closure: the conversation is over). A server going down says 1001, "
                   "going away (RFC 6455 7.4.1), so a client knows to reconnect later.");
  } else if (code_a == 0 && code_b == 0) {
    grade::symptom("No close frame came at shutdown: queue close_frame(1001) for every WebSocket once `stop` is "
                   "true, and write the queues before you return.");
  }
  GRADE_EXPECT_EQ("run_survive_server returned within 2 s", true, returned && since(t0) < 2500);
}

GRADED_TEST(Shutdown, HeldPollsAnswered, 2,
            "At stop, every held recv is answered at once (its messages, or 204), so a long-polling browser learns "
            "now, not after hold_ms, that the server went; then return within 2 s.") {
  auto server = std::make_unique<SurviveServer>(options());
  lab7::Poller p(server->port(), "P");
  if (p.open().empty()) return;
  grade::step("P and Q (a second connection of P's session) each send a recv: when P's is answered 204, Q's is held");
  lab7::HttpClient q(server->port(), "Q");
  p.http().send_request("GET", "/poll/recv?session=" + p.session());
  q.send_request("GET", "/poll/recv?session=" + p.session());
  if (p.http().read_response(Ms(2000)).status != 204) return (void)(ADD_FAILURE() << "P's older recv was not answered 204 (lab 7)");
  grade::step("the server is told to stop (hold_ms is 4 s)");
  auto t0 = Clock::now();
  bool returned = server->stop(Ms(2500));
  lab7::HttpResponse r = q.read_response(Ms(2500));
  bool answered = r.status == 204 || r.status == 200;
  GRADE_EXPECT_EQ("the held recv was answered (204 or 200)", true, answered);
  if (!answered) {
    grade::symptom("The held recv got no answer at shutdown: a long-polling client would wait hold_ms for nothing. "
                   "Answer every held recv (answer_recv) before the loop ends, and write it out.");
  }
  GRADE_EXPECT_EQ("run_survive_server returned within 2 s", true, returned && since(t0) < 2500);
}
