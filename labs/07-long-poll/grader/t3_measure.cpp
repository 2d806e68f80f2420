// Lab 7 grader, task 6: the measurement. The grader's clients count every byte they send and receive; your
// server's GET /stats must agree within 2% on the bytes per chat message of each transport.
#include "poll_client.h"

#include <cmath>
#include <cstdio>

using namespace lab7;

namespace {

std::string text_of_length(std::size_t n) {
  std::string t;
  while (t.size() < n) t += "0123456789abcdefghijklmnopqrstuvwxyz "[grade::rng()() % 37];
  return t;
}

std::string fmt(double v, const char* how = "%.0f") {
  char buf[32];
  std::snprintf(buf, sizeof buf, how, v);
  return buf;
}

bool near(double got, double want) { return want > 0 && std::fabs(got - want) <= 0.02 * want; }

// A figure of the student's against the grader's: within 2%, or a failure that shows both and the range.
void expect_near(const std::string& what, double got, double want, const char* how = "%.0f") {
  if (near(got, want)) return grade::ok(what + ": " + fmt(got, how) + ", within 2% of " + fmt(want, how));
  ADD_FAILURE() << what << ": expected " << fmt(want, how) << " (2% either way: " << fmt(0.98 * want, how) << " to "
                << fmt(1.02 * want, how) << "), actual " << (got < 0 ? std::string("missing") : fmt(got, how));
}

// The student's figures for one transport from GET /stats (-1 where a field is missing).
struct Figures {
  double c2s = -1, s2c = -1, messages = -1, per_message = -1;
};
Figures figures_of(const json& stats, const char* transport) {
  Figures f;
  if (!stats.is_object() || !stats.contains(transport) || !stats[transport].is_object()) return f;
  const json& t = stats[transport];
  auto num = [&](const char* k) { return t.contains(k) && t[k].is_number() ? t[k].get<double>() : -1.0; };
  f.c2s = num("c2s_bytes");
  f.s2c = num("s2c_bytes");
  f.messages = num("messages");
  f.per_message = num("bytes_per_message");
  return f;
}

// Compares the student's figures with the grader's; a symptom for the usual ways to count wrong.
void check_figures(const char* transport, const Figures& got, double c2s, double s2c, double messages,
                   double empty_polls = 0) {
  const double truth = (c2s + s2c) / messages;
  grade::step(std::string("the grader counted on ") + transport + ": " + fmt(c2s) + " bytes client to server, " +
              fmt(s2c) + " server to client, " + fmt(messages) + " says: " + fmt(truth, "%.1f") + " bytes per message");
  if (got.messages >= 0 && got.messages != messages) {
    grade::symptom("`messages` counts the says sent over the transport (a text message or /poll/send body whose "
                   "type is \"say\"), each once: not the said deliveries, not every message.");
  } else if (empty_polls > 0 && near(got.c2s + got.s2c, c2s + s2c - empty_polls)) {
    grade::symptom("Your count leaves out the empty polls: a recv answered 204 costs its request and its answer "
                   "too, and it is the price of long-polling. Count every /poll/ request and answer.");
  } else if (near(got.c2s, c2s) && !near(got.s2c, s2c)) {
    grade::symptom("Client-to-server agrees but server-to-client does not: count the bytes when send() takes them, "
                   "every answer (head and body) and every frame.");
  } else if (!near(got.c2s, c2s) && near(got.s2c, s2c)) {
    grade::symptom("Server-to-client agrees but client-to-server does not: count every byte recv() returns on the "
                   "transport's connections: request heads, bodies, and (WebSocket) the upgrade request and frames.");
  } else if (got.c2s >= 0 && got.c2s + got.s2c < 0.7 * (c2s + s2c)) {
    grade::symptom("Your counts are far too low: count the wire, not the chat messages: request lines, header "
                   "fields and the blank line, frame headers, the 101 and the upgrade request.");
  }
  const std::string t = transport;
  expect_near(t + ".c2s_bytes", got.c2s, c2s);
  expect_near(t + ".s2c_bytes", got.s2c, s2c);
  GRADE_EXPECT_EQ(t + ".messages", fmt(messages), got.messages < 0 ? std::string("(missing)") : fmt(got.messages));
  expect_near(t + ".bytes_per_message", got.per_message, truth, "%.1f");
}

constexpr int kRounds = 6;  // says each way: 2 x 6 + the find stay under the Strangers' burst of 20

}  // namespace

GRADED_TEST(Measure, WebSocketBytes, 2,
            "GET /stats, websocket: every byte of the WebSocket connections (upgrade request, 101, every frame both "
            "ways), and the says sent over them; bytes_per_message within 2% of the grader's count.") {
  PollServer server(options(1000));
  chatgrade::Client a(server.port(), "A", true), b(server.port(), "B", true);
  grade::step("A and B (WebSocket) open, find, are paired, and say " + std::to_string(kRounds) + " messages each, in turn");
  if (a.open().empty() || b.open().empty()) return;
  a.send_json({{"type", "find"}});
  if (!a.next_of("waiting")) return (void)(ADD_FAILURE() << "A got no waiting");
  b.send_json({{"type", "find"}});
  if (!a.next_of("paired") || !b.next_of("paired")) return (void)(ADD_FAILURE() << "A and B were not paired");
  for (int i = 0; i < 2 * kRounds; ++i) {
    chatgrade::Client& from = i % 2 ? b : a;
    chatgrade::Client& to = i % 2 ? a : b;
    std::string text = text_of_length(10 + grade::rng()() % 120);
    from.send_json({{"type", "say"}, {"text", text}});
    auto m = to.next_of("said");
    if (!m || m->value("text", "") != text) return (void)(ADD_FAILURE() << to.name() << " did not get message " << i + 1);
  }
  Figures got = figures_of(read_stats(server.port()), "websocket");
  check_figures("websocket", got, static_cast<double>(a.bytes_sent() + b.bytes_sent()),
                static_cast<double>(a.bytes_received() + b.bytes_received()), 2 * kRounds);
}

GRADED_TEST(Measure, LongPollBytes, 3,
            "GET /stats, long_poll: every /poll/ request and its answer, heads and bodies, the empty polls (204) too, "
            "and the says sent over it; bytes_per_message within 2% of the grader's count.") {
  PollServer server(options(300));
  Poller p(server.port(), "P"), q(server.port(), "Q");
  grade::step("P and Q (long-polling) open, find, are paired, say " + std::to_string(kRounds) +
              " messages each, in turn, then each sends one recv that ends empty (204 after hold_ms)");
  if (p.open().empty() || q.open().empty()) return;
  if (p.send({{"type", "find"}}).status != 204 || q.send({{"type", "find"}}).status != 204) return;
  if (!p.next_of("paired") || !q.next_of("paired")) return (void)(ADD_FAILURE() << "P and Q were not paired");
  for (int i = 0; i < 2 * kRounds; ++i) {
    Poller& from = i % 2 ? q : p;
    Poller& to = i % 2 ? p : q;
    std::string text = text_of_length(10 + grade::rng()() % 120);
    from.send({{"type", "say"}, {"text", text}});
    auto m = to.next_of("said");
    if (!m || m->value("text", "") != text) return (void)(ADD_FAILURE() << to.http().name() << " did not get message " << i + 1);
  }
  double before = static_cast<double>(p.http().bytes() + q.http().bytes());
  int sp = 0, sq = 0;
  p.recv(Ms(3000), &sp);
  q.recv(Ms(3000), &sq);
  GRADE_EXPECT_EQ("the empty recvs: statuses", std::string("204 204"), std::to_string(sp) + " " + std::to_string(sq));
  double empty = static_cast<double>(p.http().bytes() + q.http().bytes()) - before;
  Figures got = figures_of(read_stats(server.port()), "long_poll");
  // What each side sent and received, from the client's counters: a client's sent bytes are c2s.
  double c2s = 0, s2c = 0;
  for (Poller* x : {&p, &q}) {
    c2s += static_cast<double>(x->http().bytes_sent());
    s2c += static_cast<double>(x->http().bytes_received());
  }
  check_figures("long_poll", got, c2s, s2c, 2 * kRounds, empty);
}
