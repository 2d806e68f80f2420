// Lab 6 grader, task 5: your Strangers on your lab 5 server over the network: 50 strangers at once, the
// message size limit, and transit without storage, checked rather than trusted.
#include "../../05-chat-room/grader/chat_client.h"
#include "strangers.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>

using namespace chatgrade;

namespace {

// The LD_PRELOAD shim the privacy test builds: every open/openat/creat/fopen that could write a file is
// reported (its path, one line) on the file descriptor in WIRELAB_SHIM_FD, then done as asked.
const char* const kShim = R"(#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
static void report(const char* path) {
  const char* fd = getenv("WIRELAB_SHIM_FD");
  if (!fd || !path) return;
  char line[512];
  int n = snprintf(line, sizeof line, "%s\n", path);
  if (n > 0) (void)!write(atoi(fd), line, (size_t)(n < (int)sizeof line ? n : (int)sizeof line - 1));
}
static int writes(int flags) { return (flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC | O_APPEND)); }
#define OPEN_LIKE(name, ...)                                                   \
  int name(__VA_ARGS__, int flags, ...) {                                      \
    va_list ap; va_start(ap, flags); int mode = (flags & O_CREAT) ? va_arg(ap, int) : 0; va_end(ap);
OPEN_LIKE(open, const char* path)
  if (writes(flags)) report(path);
  int (*real)(const char*, int, ...) = (int (*)(const char*, int, ...))dlsym(RTLD_NEXT, "open");
  return real(path, flags, mode);
}
OPEN_LIKE(open64, const char* path)
  if (writes(flags)) report(path);
  int (*real)(const char*, int, ...) = (int (*)(const char*, int, ...))dlsym(RTLD_NEXT, "open64");
  return real(path, flags, mode);
}
OPEN_LIKE(openat, int dir, const char* path)
  if (writes(flags)) report(path);
  int (*real)(int, const char*, int, ...) = (int (*)(int, const char*, int, ...))dlsym(RTLD_NEXT, "openat");
  return real(dir, path, flags, mode);
}
OPEN_LIKE(openat64, int dir, const char* path)
  if (writes(flags)) report(path);
  int (*real)(int, const char*, int, ...) = (int (*)(int, const char*, int, ...))dlsym(RTLD_NEXT, "openat64");
  return real(dir, path, flags, mode);
}
int creat(const char* path, mode_t mode) { return open(path, O_CREAT | O_WRONLY | O_TRUNC, mode); }
int creat64(const char* path, mode_t mode) { return open(path, O_CREAT | O_WRONLY | O_TRUNC, mode); }
static FILE* fopen_like(const char* name, const char* path, const char* how) {
  if (how && strpbrk(how, "wa+")) report(path);
  FILE* (*real)(const char*, const char*) = (FILE* (*)(const char*, const char*))dlsym(RTLD_NEXT, name);
  return real(path, how);
}
FILE* fopen(const char* path, const char* how) { return fopen_like("fopen", path, how); }
FILE* fopen64(const char* path, const char* how) { return fopen_like("fopen64", path, how); }
)";

// Everything readable on fd now (fd is non-blocking), appended to out.
void drain(int fd, std::string& out) {
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
}

// In the re-run grader (WIRELAB_LAB6_SERVE set): your server with your Strangers, stdout and stderr going
// to the grader's pipes, until the grader closes the stop pipe.
[[noreturn]] void serve_for_privacy_check(const char* fds) {
  int port_fd = -1, out_fd = -1, err_fd = -1, stop_fd = -1;
  std::sscanf(fds, "%d,%d,%d,%d", &port_fd, &out_fd, &err_fd, &stop_fd);
  dup2(out_fd, STDOUT_FILENO);
  dup2(err_fd, STDERR_FILENO);
  int port = 0;
  int listen_fd = listen_any(&port);
  std::string text = std::to_string(port) + "\n";
  (void)!write(port_fd, text.data(), text.size());
  close(port_fd);
  ws::Strangers strangers;
  std::atomic<bool> stop{false};
  std::thread server([&] { ws::run_chat_server(listen_fd, stop, strangers, ws::ServerOptions{}); });
  char c;
  while (read(stop_fd, &c, 1) > 0) {
  }
  stop = true;
  server.join();
  std::fflush(nullptr);
  _exit(0);
}

std::string build_shim(const std::string& dir) {
  std::ofstream(dir + "/shim.c") << kShim;
  std::string cmd = "cc -shared -fPIC -O1 -o " + dir + "/shim.so " + dir + "/shim.c -ldl 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[256];
  while (p && std::fgets(buf, sizeof buf, p)) out += buf;
  if (!p || pclose(p) != 0) {
    ADD_FAILURE() << "the grader could not build its LD_PRELOAD shim with cc: " << out;
    return "";
  }
  return dir + "/shim.so";
}

}  // namespace

GRADED_TEST(Net, FiftyAtOnce, 2,
            "50 strangers connect and all send find at once: every one is paired exactly once and each pair is "
            "symmetric (A's peer is B's label and B's is A's), through your server; then all 50 hang up and your "
            "server still answers a new stranger.") {
  ws::Strangers strangers;
  Server server(strangers, {});
  std::vector<std::unique_ptr<Client>> clients;
  grade::step("50 clients connect and read their welcome");
  for (int i = 0; i < 50; ++i) {
    clients.push_back(std::make_unique<Client>(server.port(), "#" + std::to_string(i), true));
    if (clients.back()->open().empty()) return;
  }
  grade::step("all 50 send find, one right after the other");
  for (auto& c : clients) c->send_json({{"type", "find"}});
  std::map<std::string, std::string> peer_of;
  for (auto& c : clients) {
    auto m = c->next_of("paired");
    if (!m) {
      ADD_FAILURE() << c->name() << " (" << c->label() << ") was never paired";
      return;
    }
    peer_of[c->label()] = m->value("peer", "");
  }
  for (const auto& [me, peer] : peer_of) {
    if (peer_of.count(peer) == 0 || peer_of[peer] != me) {
      grade::symptom("The pairs are not symmetric: both sides of a pair must be told the other's label, and a "
                     "stranger must leave the queue when paired.");
      ADD_FAILURE() << me << " was paired with " << peer << ", who was paired with "
                    << (peer_of.count(peer) ? peer_of[peer] : std::string("nobody"));
      return;
    }
  }
  grade::ok("25 symmetric pairs");
  // Every pair then hangs up, both sides: a server must survive that too. Checked here, with a late
  // stranger's round trip, rather than left to the test's teardown, where whether the server still
  // ran when the closes came was a matter of timing.
  grade::step("all 50 hang up; then a 51st stranger connects and sends find");
  clients.clear();
  Client late(server.port(), "late", true);
  if (late.open().empty()) return;
  late.send_json({{"type", "find"}});
  auto w = late.next_of("waiting");
  GRADE_EXPECT_EQ("the late stranger's answer to find", std::string("waiting"), w ? w->value("type", "") : "");
}

GRADED_TEST(Net, TooBigCloses1009, 2,
            "A message longer than options.max_message_len (4096 by default) closes the connection with 1009 "
            "(RFC 6455 7.4.1: message too big), through lab 4's Session; the others carry on.") {
  ws::Strangers strangers;
  Server server(strangers, {});
  Client a(server.port(), "A"), b(server.port(), "B");
  if (a.open().empty() || b.open().empty()) return;
  a.log("sends a text frame of 5000 bytes");
  a.send_raw(client_frame(0x81, std::string(5000, 'x')));
  auto m = a.next();
  GRADE_EXPECT_EQ("A's close code", std::uint16_t{1009}, a.close_code().value_or(0));
  GRADE_EXPECT_EQ("A got no message before it", false, m.has_value());
  b.send_json({{"type", "find"}});
  auto w = b.next();
  GRADE_EXPECT_EQ("B still gets answers", std::string("waiting"), w ? w->value("type", "") : "");
}

GRADED_TEST(Privacy, TransitWithoutStorage, 3,
            "Transit without storage: the text of a say goes from one stranger to the other and nowhere else: no file "
            "opened for writing, nothing of it in what your server prints. Remove any log of message text.") {
  if (const char* fds = std::getenv("WIRELAB_LAB6_SERVE")) serve_for_privacy_check(fds);
  std::optional<std::string> made = grade::temp_dir("wirelab-privacy");
  if (!made) return;
  const std::string& dir = *made;
  std::string shim = build_shim(dir);
  if (shim.empty()) return;
  int port_pipe[2], out_pipe[2], err_pipe[2], stop_pipe[2], shim_pipe[2];
  for (int* p : {port_pipe, out_pipe, err_pipe, stop_pipe, shim_pipe}) {
    if (pipe(p) != 0) return (void)(ADD_FAILURE() << "pipe failed");
  }
  grade::step("the grader runs itself again with LD_PRELOAD=" + std::string("shim.so") +
              " (it reports every open/openat/creat/fopen that could write a file), serving your Strangers");
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    int null_fd = open("/dev/null", O_WRONLY);
    dup2(null_fd, STDOUT_FILENO);  // the re-run harness's own report; the server's output goes to the pipes
    dup2(null_fd, STDERR_FILENO);
    std::string fds = std::to_string(port_pipe[1]) + "," + std::to_string(out_pipe[1]) + "," +
                      std::to_string(err_pipe[1]) + "," + std::to_string(stop_pipe[0]);
    setenv("WIRELAB_LAB6_SERVE", fds.c_str(), 1);
    setenv("WIRELAB_SHIM_FD", std::to_string(shim_pipe[1]).c_str(), 1);
    setenv("LD_PRELOAD", shim.c_str(), 1);
    setenv("ASAN_OPTIONS", "verify_asan_link_order=0:detect_leaks=0", 1);
    close(stop_pipe[1]);
    execl("/proc/self/exe", "grader", "--primary", "6", "--only", "Privacy.TransitWithoutStorage", "--timeout",
          "6=30000", static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int fd : {port_pipe[1], out_pipe[1], err_pipe[1], stop_pipe[0], shim_pipe[1]}) close(fd);
  for (int fd : {out_pipe[0], err_pipe[0], shim_pipe[0]}) fcntl(fd, F_SETFL, O_NONBLOCK);
  std::string out, err, opened;
  auto finish = [&] {
    close(stop_pipe[1]);  // the server stops, flushes and exits
    auto until = Clock::now() + std::chrono::seconds(5);
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0 && Clock::now() < until) {
      drain(out_pipe[0], out);
      drain(err_pipe[0], err);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    waitpid(pid, &status, WNOHANG);
    drain(out_pipe[0], out);
    drain(err_pipe[0], err);
    drain(shim_pipe[0], opened);
    for (int fd : {port_pipe[0], out_pipe[0], err_pipe[0], shim_pipe[0]}) close(fd);
    std::remove((dir + "/shim.c").c_str());
    std::remove((dir + "/shim.so").c_str());
    rmdir(dir.c_str());
  };
  pollfd p{port_pipe[0], POLLIN, 0};
  char port_text[16] = {};
  if (poll(&p, 1, 15000) <= 0 || read(port_pipe[0], port_text, sizeof port_text - 1) <= 0) {
    finish();
    ADD_FAILURE() << "the server under the shim did not start within 15 s";
    return;
  }
  std::string marker = "transit-marker-";
  for (int i = 0; i < 8; ++i) marker += "0123456789abcdef"[grade::rng()() % 16];
  {
    Client a(std::atoi(port_text), "A"), b(std::atoi(port_text), "B");
    if (a.open().empty() || b.open().empty()) return finish();
    a.send_json({{"type", "find"}});
    b.send_json({{"type", "find"}});
    if (!a.next_of("paired") || !b.next_of("paired")) return finish(), (void)(ADD_FAILURE() << "A and B were not paired");
    for (int i = 0; i < 3; ++i) {
      a.send_json({{"type", "say"}, {"text", marker + " from A"}});
      b.send_json({{"type", "say"}, {"text", marker + " from B"}});
    }
    for (int i = 0; i < 3; ++i) {
      auto m = b.next_of("said");
      GRADE_EXPECT_EQ("B got", marker + " from A", m ? m->value("text", "") : "");
      m = a.next_of("said");
      GRADE_EXPECT_EQ("A got", marker + " from B", m ? m->value("text", "") : "");
    }
    grade::step("A and B close");
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  finish();
  grade::step("your server printed " + std::to_string(out.size()) + " bytes on stdout and " + std::to_string(err.size()) +
              " on stderr; it opened for writing: " + (opened.empty() ? std::string("nothing") : grade::escape(opened, 200)));
  if (!opened.empty()) {
    grade::symptom("Your server opened a file for writing while strangers chatted: a chat that promises transit "
                   "without storage writes nothing to disk (no message log, no history file).");
  }
  GRADE_EXPECT_EQ("files opened for writing", std::string(), opened);
  bool leaked = (out + err).find(marker) != std::string::npos;
  if (leaked) {
    grade::symptom("The text of a message appeared in what your server printed: logs are stored too. Log "
                   "events (paired, left, sizes) if you must, never what people said.");
  }
  GRADE_EXPECT_EQ("the marker text is in nothing your server printed", false, leaked);
}
