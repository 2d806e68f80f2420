// Connection: POSIX sockets, loopback only (the demo talks to its own relay),
// plain or through OpenSSL. The socket is non-blocking; every wait is a poll()
// in 50 ms slices that checks the stop flag and the deadline.
#include "connection.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstring>

namespace relay::demo {

namespace {
constexpr int kSliceMs = 50;
constexpr auto kConnectWithin = std::chrono::seconds(10);

std::string sys_error(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

std::string tls_error(const char* what) {
  char buf[256] = "";
  ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
  return std::string(what) + ": " + buf;
}
}  // namespace

// One OpenSSL context and session per connection (RAII).
struct Connection::Tls {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  ~Tls() {
    if (ssl) SSL_free(ssl);
    if (ctx) SSL_CTX_free(ctx);
  }
};

Connection::Connection(std::uint16_t port, const std::atomic<bool>& stopping, bool tls) : stopping_(stopping) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw DemoError(sys_error("socket"));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    const std::string why = sys_error("connect");
    ::close(fd_);
    fd_ = -1;
    throw DemoError(why + " (127.0.0.1:" + std::to_string(port) + ")");
  }
  const int one = 1;   // small chat frames go out at once, as a browser's would
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
  if (tls) {
    try {
      tls_handshake(Clock::now() + kConnectWithin);
    } catch (...) {
      tls_.reset();
      ::close(fd_);
      fd_ = -1;
      throw;
    }
  }
}

Connection::~Connection() {
  if (tls_ && tls_->ssl) SSL_shutdown(tls_->ssl);   // close_notify, best effort (non-blocking)
  tls_.reset();
  if (fd_ >= 0) ::close(fd_);
}

void Connection::wait_io(bool for_write, Clock::time_point deadline) {
  for (;;) {
    if (stopping_.load()) throw Stopped{};
    if (Clock::now() >= deadline) throw DemoError("timed out waiting for the relay");
    pollfd p{fd_, static_cast<short>(for_write ? POLLOUT : POLLIN), 0};
    const int r = ::poll(&p, 1, kSliceMs);
    if (r < 0 && errno != EINTR) throw DemoError(sys_error("poll"));
    if (r > 0) return;
  }
}

void Connection::tls_handshake(Clock::time_point deadline) {
  tls_ = std::make_unique<Tls>();
  tls_->ctx = SSL_CTX_new(TLS_client_method());
  if (!tls_->ctx) throw DemoError(tls_error("SSL_CTX_new"));
  SSL_CTX_set_min_proto_version(tls_->ctx, TLS1_2_VERSION);
  SSL_CTX_set_verify(tls_->ctx, SSL_VERIFY_NONE, nullptr);   // our own relay's self-signed dev certificate
  static const unsigned char alpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  SSL_CTX_set_alpn_protos(tls_->ctx, alpn, sizeof alpn);
  tls_->ssl = SSL_new(tls_->ctx);
  if (!tls_->ssl || SSL_set_fd(tls_->ssl, fd_) != 1) throw DemoError(tls_error("SSL_new"));
  for (;;) {
    const int r = SSL_connect(tls_->ssl);
    if (r == 1) return;
    const int e = SSL_get_error(tls_->ssl, r);
    if (e == SSL_ERROR_WANT_READ) wait_io(false, deadline);
    else if (e == SSL_ERROR_WANT_WRITE) wait_io(true, deadline);
    else throw DemoError(tls_error("TLS handshake with the relay"));
  }
}

void Connection::write_all(std::span<const std::uint8_t> bytes) {
  const auto deadline = Clock::now() + kConnectWithin;
  std::size_t done = 0;
  while (done < bytes.size()) {
    if (stopping_.load()) throw Stopped{};
    const std::size_t left = bytes.size() - done;
    if (tls_) {
      const int n = SSL_write(tls_->ssl, bytes.data() + done, static_cast<int>(left > 1 << 30 ? 1 << 30 : left));
      if (n > 0) {
        done += static_cast<std::size_t>(n);
        continue;
      }
      const int e = SSL_get_error(tls_->ssl, n);
      if (e == SSL_ERROR_WANT_WRITE) wait_io(true, deadline);
      else if (e == SSL_ERROR_WANT_READ) wait_io(false, deadline);
      else throw DemoError(tls_error("TLS write"));
      continue;
    }
    const ssize_t n = ::send(fd_, bytes.data() + done, left, MSG_NOSIGNAL);
    if (n >= 0) {
      done += static_cast<std::size_t>(n);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      wait_io(true, deadline);
    } else if (errno != EINTR) {
      throw DemoError(sys_error("send"));
    }
  }
}

void Connection::write_all(std::string_view text) {
  write_all(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

std::size_t Connection::read_some(std::span<std::uint8_t> out, Clock::time_point deadline) {
  for (;;) {
    if (stopping_.load()) throw Stopped{};
    if (tls_) {
      const int n = SSL_read(tls_->ssl, out.data(), static_cast<int>(out.size()));
      if (n > 0) return static_cast<std::size_t>(n);
      const int e = SSL_get_error(tls_->ssl, n);
      if (e == SSL_ERROR_ZERO_RETURN) return 0;
      if (e == SSL_ERROR_WANT_READ) wait_io(false, deadline);
      else if (e == SSL_ERROR_WANT_WRITE) wait_io(true, deadline);
      else if (e == SSL_ERROR_SYSCALL) return 0;   // the relay closed without close_notify
      else throw DemoError(tls_error("TLS read"));
      continue;
    }
    const ssize_t n = ::recv(fd_, out.data(), out.size(), 0);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EAGAIN || errno == EWOULDBLOCK) wait_io(false, deadline);
    else if (errno == ECONNRESET) return 0;
    else if (errno != EINTR) throw DemoError(sys_error("recv"));
  }
}

}  // namespace relay::demo
