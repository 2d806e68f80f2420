// The floor under the tap's cost: what one trip through an AF_UNIX socketpair
// costs the relay (one send plus one recv of a chat-sized chunk), next to a
// TCP loopback trip. The byte-exact tap (docs/platform.md, "The byte-exact tap") adds two such
// socketpair trips to every chat message (client -> edge -> inner, and
// inner -> shuttle -> peer's edge), on top of what lws does without the tap.
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <stdexcept>

#include <benchmark/benchmark.h>

namespace {

class FdPair {
 public:
  FdPair(int a, int b) : a_(a), b_(b) {}
  FdPair(const FdPair&) = delete;
  FdPair& operator=(const FdPair&) = delete;
  ~FdPair() {
    ::close(a_);
    ::close(b_);
  }
  int sender() const { return a_; }
  int receiver() const { return b_; }

 private:
  int a_, b_;
};

FdPair unix_pair() {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) throw std::runtime_error("socketpair");
  return {sv[0], sv[1]};
}

FdPair tcp_pair() {
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(listener, 1) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error("listen on 127.0.0.1");
  }
  const int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (::connect(client, reinterpret_cast<sockaddr*>(&addr), len) != 0) throw std::runtime_error("connect");
  const int server = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  ::close(listener);
  const int one = 1;
  ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);   // as lws sets it
  return {client, server};
}

// One chunk of state.range(0) bytes across the pair: a send and the recv that takes it.
void hop(benchmark::State& state, const FdPair& pair) {
  std::array<std::uint8_t, 65536> buf{};
  const auto size = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    if (::send(pair.sender(), buf.data(), size, 0) != static_cast<ssize_t>(size)) state.SkipWithError("send");
    std::size_t got = 0;
    while (got < size) {
      const ssize_t n = ::recv(pair.receiver(), buf.data() + got, size - got, 0);
      if (n <= 0) {
        state.SkipWithError("recv");
        break;
      }
      got += static_cast<std::size_t>(n);
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void BM_SocketpairHop(benchmark::State& state) {
  const FdPair pair = unix_pair();
  hop(state, pair);
}

void BM_TcpLoopbackHop(benchmark::State& state) {
  const FdPair pair = tcp_pair();
  hop(state, pair);
}

// 44 and 61 bytes: a chat `say` frame and its `said` delivery (bench/README.md).
BENCHMARK(BM_SocketpairHop)->Arg(44)->Arg(61)->Arg(4096);
BENCHMARK(BM_TcpLoopbackHop)->Arg(44)->Arg(61)->Arg(4096);

}  // namespace
