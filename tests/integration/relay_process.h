// C++ side of the integration harness: one wirelab-relay process and raw
// sockets whose bytes are built and decoded by wire/ itself (its encoders and
// its StreamDecoder), for byte-exact checks. The python harness (harness/)
// does the same for the other peers.
//
// RelayProcess: fork/exec of WIRELAB_RELAY_PATH with --port 0 --mirror-port 0,
// waits (30 s at most) for the two listening lines, SIGTERM then SIGKILL in the
// destructor; the child also gets PR_SET_PDEATHSIG so no relay outlives a test.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <deque>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "wire/handshake.h"
#include "wire/stream_decoder.h"

namespace wirelab::it {

using Clock = std::chrono::steady_clock;

class RelayProcess {
 public:
  explicit RelayProcess(std::vector<std::string> flags = {}) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2");
    std::vector<std::string> args = {WIRELAB_RELAY_PATH, "--port", "0", "--mirror-port", "0"};
    args.insert(args.end(), flags.begin(), flags.end());
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork");
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      dup2(fds[1], 1);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(fds[1]);
    out_ = fds[0];
    wait_listening();
    drain_ = std::thread([fd = out_] {   // keep stdout flowing so the relay never blocks on it
      char buf[4096];
      while (read(fd, buf, sizeof buf) > 0) {
      }
    });
  }
  ~RelayProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      const auto deadline = Clock::now() + std::chrono::seconds(10);
      int status = 0;
      bool killed = false;   // by us, below: already reported
      while (waitpid(pid_, &status, WNOHANG) == 0) {
        if (Clock::now() > deadline) {
          killed = true;
          kill(pid_, SIGKILL);
          waitpid(pid_, &status, 0);
          ADD_FAILURE() << "wirelab-relay did not exit within 10 s of SIGTERM";
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      // A sanitizer report, a leak or a crash at exit fails the test that ran it.
      if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        ADD_FAILURE() << "wirelab-relay exited with " << WEXITSTATUS(status) << " after SIGTERM (expected 0)";
      } else if (WIFSIGNALED(status) && !killed) {
        // A relay that dies of a signal (a crash in its SIGTERM path, or SIGTERM left unhandled) never exited 0.
        ADD_FAILURE() << "wirelab-relay was killed by signal " << WTERMSIG(status) << " (" << strsignal(WTERMSIG(status))
                      << ") after SIGTERM; expected exit 0";
      }
    }
    if (drain_.joinable()) drain_.join();
    if (out_ >= 0) close(out_);
  }
  RelayProcess(const RelayProcess&) = delete;
  RelayProcess& operator=(const RelayProcess&) = delete;

  std::uint16_t port = 0;
  std::uint16_t mirror_port = 0;

 private:
  void wait_listening() {
    static const std::regex listen_re(R"(wirelab-relay: listening on \w+://127\.0\.0\.1:(\d+))");
    static const std::regex mirror_re(R"(wirelab-relay: mirror on ws://127\.0\.0\.1:(\d+)/mirror)");
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    std::string text;
    while (port == 0 || mirror_port == 0) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      pollfd p{out_, POLLIN, 0};
      if (left <= 0 || poll(&p, 1, static_cast<int>(left)) <= 0) {
        throw std::runtime_error("wirelab-relay printed no listening lines within 30 s; stdout: " + text);
      }
      char buf[512];
      const ssize_t n = read(out_, buf, sizeof buf);
      if (n <= 0) throw std::runtime_error("wirelab-relay exited before listening; stdout: " + text);
      text.append(buf, static_cast<std::size_t>(n));
      std::smatch m;
      if (std::regex_search(text, m, listen_re)) port = static_cast<std::uint16_t>(std::stoi(m[1].str()));
      if (std::regex_search(text, m, mirror_re)) mirror_port = static_cast<std::uint16_t>(std::stoi(m[1].str()));
    }
  }
  pid_t pid_ = -1;
  int out_ = -1;
  std::thread drain_;
};

// A client connection whose both directions go through a wire::StreamDecoder,
// so the test sees what the relay sent as wire's units (Http, then Frame).
class RawClient {
 public:
  RawClient(std::uint16_t port, const std::string& target, const std::string& marker,
            wire::StreamDecoderOptions options = {})
      : decoder_(options) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      throw std::runtime_error("connect 127.0.0.1:" + std::to_string(port));
    }
    std::string request = wire::build_upgrade_request("127.0.0.1:" + std::to_string(port), target,
                                                      "dGhlIHNhbXBsZSBub25jZQ==");
    request.insert(request.size() - 2, "X-Wirelab-Test: " + marker + "\r\n");
    send_bytes({request.begin(), request.end()});
    decoder_.feed(wire::Direction::c2s, {reinterpret_cast<const std::uint8_t*>(request.data()), request.size()});
    const auto unit = next(std::chrono::seconds(20));
    const auto* head = unit ? std::get_if<wire::Http>(&*unit) : nullptr;
    if (head == nullptr || head->start_line.find(" 101 ") == std::string::npos) {
      throw std::runtime_error("upgrade to " + target + " was not answered with 101");
    }
  }
  ~RawClient() { close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  void send_bytes(const wire::Bytes& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send failed");
      sent += static_cast<std::size_t>(n);
    }
  }
  // The next unit the relay sent (s2c), or nullopt on EOF / timeout.
  std::optional<wire::Unit> next(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (units_.empty()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      pollfd p{fd_, POLLIN, 0};
      if (left <= 0 || poll(&p, 1, static_cast<int>(left)) <= 0) return std::nullopt;
      std::uint8_t buf[65536];
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return std::nullopt;
      auto fed = decoder_.feed(wire::Direction::s2c, {buf, static_cast<std::size_t>(n)});
      for (auto& u : fed.units) units_.push_back(std::move(u));
    }
    wire::Unit u = std::move(units_.front());
    units_.pop_front();
    return u;
  }

 private:
  int fd_ = -1;
  wire::StreamDecoder decoder_;
  std::deque<wire::Unit> units_;
};

}  // namespace wirelab::it
