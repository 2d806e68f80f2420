// Feeds without GL: the replay clock keeps the capture's timing, steps and
// seeks; the inbox is bounded and ordered across threads; the live feed
// connects to a real WebSocket server (python websockets) on loopback,
// holds events in step mode and reconnects when the server drops it.
#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "feeds/live.h"
#include "feeds/replay.h"
#include "model/inbox.h"
#include "synthetic_capture.h"
#include "wire/capture.h"

namespace viz {
namespace {

using namespace std::chrono_literals;

TEST(VizReplay, KeepsTheCapturesOwnTiming) {
  const auto events = testing::synthetic_chat();   // one event every 250 ms from t=0
  ReplayFeed replay(events, "synthetic");
  Model m;
  replay.update(0.0, m);
  EXPECT_EQ(m.size(), 1u) << "at t=0 only the hello is due";
  replay.update(0.6, m);
  EXPECT_EQ(m.size(), 3u) << "after 0.6 s: events at 0, 250 and 500 ms";
  replay.set_speed(2.0);
  replay.update(0.5, m);   // 1.0 s more capture time: up to 1600 ms
  EXPECT_EQ(m.size(), 7u) << "at 2x, 0.5 s of wall time is 1 s of capture";
  replay.set_paused(true);
  replay.update(10.0, m);
  EXPECT_EQ(m.size(), 7u) << "nothing is revealed while paused";
}

TEST(VizReplay, ClampsSpeedToQuarterAndEightTimes) {
  ReplayFeed replay(testing::synthetic_chat(), "synthetic");
  replay.set_speed(100.0);
  EXPECT_EQ(replay.speed(), 8.0);
  replay.set_speed(0.01);
  EXPECT_EQ(replay.speed(), 0.25);
}

TEST(VizReplay, StepsForwardAndBackOneEventAtATime) {
  const auto events = testing::synthetic_chat();
  ReplayFeed replay(events, "synthetic");
  replay.set_paused(true);
  Model m;
  for (std::size_t i = 0; i < 5; ++i) {
    auto seq = replay.step_forward(m);
    ASSERT_TRUE(seq.has_value());
    EXPECT_EQ(*seq, events[i].seq);
  }
  EXPECT_EQ(m.size(), 5u);
  const auto gen = m.generation();
  EXPECT_TRUE(replay.step_back(m));
  EXPECT_EQ(m.size(), 4u) << "step back un-reveals the newest event";
  EXPECT_NE(m.generation(), gen) << "the model was rebuilt (it is append-only)";
  EXPECT_EQ(m.back().seq(), events[3].seq);
  EXPECT_EQ(replay.clock_us(), events[3].t_us) << "the clock follows the revealed event";
}

TEST(VizReplay, SeeksAnywhereAndFinishes) {
  const auto events = testing::synthetic_chat();
  ReplayFeed replay(events, "synthetic");
  Model m;
  replay.seek(events.size(), m);
  EXPECT_TRUE(replay.finished());
  EXPECT_EQ(m.size(), events.size());
  EXPECT_FALSE(replay.step_forward(m).has_value());
  replay.seek(10, m);
  EXPECT_EQ(m.size(), 10u);
  EXPECT_EQ(replay.waiting(), events.size() - 10);
  replay.seek(0, m);
  EXPECT_TRUE(m.empty());
  EXPECT_FALSE(replay.step_back(m));
}

TEST(VizInbox, RefusesBeyondItsBoundAndCounts) {
  Inbox inbox(3);
  for (std::uint64_t i = 0; i < 5; ++i) {
    wire::Event e;
    e.seq = i;
    inbox.push(e);
  }
  EXPECT_EQ(inbox.waiting(), 3u);
  EXPECT_EQ(inbox.refused(), 2u) << "nothing is dropped silently";
  std::vector<wire::Event> out;
  EXPECT_EQ(inbox.take(out, 2), 2u);
  EXPECT_EQ(out[0].seq, 0u);
  EXPECT_EQ(out[1].seq, 1u);
}

TEST(VizInbox, HandsOverInOrderAcrossThreads) {
  Inbox inbox;
  constexpr std::uint64_t n = 50'000;
  std::thread producer([&] {
    for (std::uint64_t i = 0; i < n; ++i) {
      wire::Event e;
      e.seq = i;
      inbox.push(std::move(e));
    }
  });
  std::vector<wire::Event> got;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (got.size() < n && std::chrono::steady_clock::now() < deadline) inbox.take(got, 1000);
  producer.join();
  ASSERT_EQ(got.size(), n);
  for (std::uint64_t i = 0; i < n; ++i) ASSERT_EQ(got[i].seq, i) << "out of order at " << i;
}

TEST(VizMirrorUrl, ParsesWsUrlsAndRefusesOthers) {
  auto u = parse_ws_url("ws://127.0.0.1:7682/mirror");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 7682);
  EXPECT_EQ(u->path, "/mirror");
  auto d = parse_ws_url("ws://localhost");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->port, 80);
  EXPECT_EQ(d->path, "/");
  EXPECT_FALSE(parse_ws_url("http://127.0.0.1:7682/mirror"));
  EXPECT_FALSE(parse_ws_url("ws://127.0.0.1:99999/mirror"));
  EXPECT_FALSE(parse_ws_url("ws://:7682/"));
}

// A real WebSocket server (python websockets) serving a capture, then closing.
class MirrorStub {
 public:
  explicit MirrorStub(const std::string& capture) {
    int fds[2];
    if (pipe(fds) != 0) return;
    const std::string script = std::string(WIRELAB_SOURCE_DIR) + "/tests/visualizer/support/mirror_stub.py";
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], 1);
      close(fds[0]);
      close(fds[1]);
      execl("/usr/bin/python3", "python3", script.c_str(), capture.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    out_ = fdopen(fds[0], "r");
    if (out_ && std::fscanf(out_, "%d", &port_) != 1) port_ = 0;
  }
  ~MirrorStub() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    if (out_) fclose(out_);
  }
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  int port_ = 0;
};

// Waits (bounded) until cond() holds, driving the feed once per 10 ms like the UI thread would.
template <class Cond>
bool drive_until(LiveFeed& feed, Model& m, Cond cond, std::chrono::seconds limit = 20s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    feed.update(0.01, m);
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

TEST(VizLiveFeed, ReceivesHoldsInStepModeAndReconnects) {
  if (!std::filesystem::exists("/usr/bin/python3")) FAIL() << "needs /usr/bin/python3 with websockets (scripts/setup installs python3-websockets)";
  const std::string capture = ::testing::TempDir() + "viz_feeds_test_capture." + std::to_string(::getpid()) + ".jsonl";
  ASSERT_TRUE(testing::write_synthetic_capture(capture));
  const auto events = testing::synthetic_chat();
  MirrorStub stub(capture);
  ASSERT_GT(stub.port(), 0) << "mirror stub did not start (python3-websockets installed?)";
  const std::string url = "ws://127.0.0.1:" + std::to_string(stub.port()) + "/mirror";
  LiveFeed feed(url, *parse_ws_url(url));
  Model m;
  ASSERT_TRUE(drive_until(feed, m, [&] { return m.size() >= events.size(); }))
      << "should have had " << events.size() << " events, but had " << m.size() << " (" << feed.state() << ")";
  for (std::size_t i = 0; i < events.size(); ++i) ASSERT_EQ(m.at(i).seq(), events[i].seq);

  // The stub closed us after the capture: the client reconnects, gets a new
  // hello with seq 0 (a "restarted relay"), and the model starts afresh.
  // Paused, the events queue instead ("N new").
  feed.set_paused(true);
  ASSERT_TRUE(drive_until(feed, m, [&] { return feed.waiting() >= events.size(); }))
      << "held " << feed.waiting() << " events; client state " << feed.state() << ", connects " << feed.client().connects();
  EXPECT_GE(feed.client().connects(), 2u) << "reconnected after the server closed the mirror";
  EXPECT_EQ(m.size(), events.size()) << "nothing revealed while paused";
  auto seq = feed.step_forward(m);
  ASSERT_TRUE(seq.has_value());
  EXPECT_EQ(*seq, 0u);
  EXPECT_EQ(m.size(), 1u) << "a hello going back to seq 0 means a new relay session: fresh model";
  EXPECT_EQ(feed.waiting(), events.size() - 1);
}

// n events: the synthetic capture repeated with seq 0.., its hello only first
// (a later hello with a lower seq would mean "relay restarted").
std::vector<wire::Event> repeated_events(std::size_t n, std::uint64_t first_seq = 0) {
  const auto base = testing::synthetic_chat();
  std::vector<wire::Event> out;
  for (std::size_t i = 0; out.size() < n; ++i) {
    const wire::Event& src = base[i % base.size()];
    if ((first_seq > 0 || !out.empty()) && std::holds_alternative<wire::Hello>(src.body)) continue;
    wire::Event e = src;
    e.seq = first_seq + out.size();
    out.push_back(std::move(e));
  }
  return out;
}

// A loopback port that refuses: bound (so no one else can take it) but never listening, so every
// connect gets a reset. The feed is fed through its inbox only. (A fixed port such as 9 may be open.)
class RefusingPort {
 public:
  RefusingPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "could not bind a loopback port: " << std::strerror(errno);
    }
    url_ = "ws://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/mirror";
  }
  ~RefusingPort() { if (fd_ >= 0) ::close(fd_); }
  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;
  const std::string& url() const { return url_; }

 private:
  int fd_ = -1;
  std::string url_;
};

TEST(VizLiveFeed, DrainsABurstOverSeveralFramesInOrder) {
  const std::size_t burst = LiveFeed::kMaxPerFrame * 2 + 123;
  const RefusingPort nowhere;
  LiveFeed feed(nowhere.url(), *parse_ws_url(nowhere.url()));
  for (auto& e : repeated_events(burst)) ASSERT_TRUE(feed.inbox().push(std::move(e)));
  Model m(ModelLimits{burst + 10, 10'000, 64 * 1024});
  feed.update(0.01, m);
  EXPECT_GT(m.size(), 0u) << "the first frame takes some of the burst";
  EXPECT_LE(m.size(), LiveFeed::kMaxPerFrame) << "one frame must not swallow a burst of " << burst;
  // Out of time at once: exactly one chunk per frame, the rest waits in the inbox.
  feed.set_drain_budget(std::chrono::microseconds(0));
  const std::size_t before = m.size();
  feed.update(0.01, m);
  EXPECT_EQ(m.size() - before, LiveFeed::kChunk) << "a spent time budget stops the drain after one chunk";
  EXPECT_EQ(feed.inbox().waiting(), burst - m.size()) << "the rest waits in the inbox";
  for (int frame = 0; frame < 100'000 && m.size() < burst; ++frame) feed.update(0.01, m);
  ASSERT_EQ(m.size(), burst) << "every event arrives, over later frames";
  for (std::size_t i = 0; i < burst; ++i) ASSERT_EQ(m.at(i).seq(), i) << "order kept at index " << i;
  EXPECT_EQ(feed.lost(), 0u);
}

TEST(VizLiveFeed, LeavingStepModeHeldEventsGoFirst) {
  const RefusingPort nowhere;
  LiveFeed feed(nowhere.url(), *parse_ws_url(nowhere.url()));
  Model m;
  feed.set_paused(true);
  for (auto& e : repeated_events(3000)) ASSERT_TRUE(feed.inbox().push(std::move(e)));
  feed.update(0.01, m);
  EXPECT_EQ(m.size(), 0u) << "nothing revealed while paused";
  EXPECT_EQ(feed.waiting(), 3000u);
  for (auto& e : repeated_events(2000, 3000)) ASSERT_TRUE(feed.inbox().push(std::move(e)));
  feed.set_paused(false);
  feed.set_drain_budget(std::chrono::microseconds(0));   // held events leave a chunk at a time too
  feed.update(0.01, m);
  EXPECT_EQ(m.size(), LiveFeed::kChunk);
  EXPECT_EQ(feed.inbox().waiting(), 2000u) << "newer events wait behind the held ones";
  for (int frame = 0; frame < 100'000 && m.size() < 5000; ++frame) feed.update(0.01, m);
  ASSERT_EQ(m.size(), 5000u);
  for (std::size_t i = 0; i < m.size(); ++i) ASSERT_EQ(m.at(i).seq(), i) << "order kept at index " << i;
  EXPECT_EQ(feed.waiting(), 0u);
}

}  // namespace
}  // namespace viz
