// Resolving the listening addresses (see listen_address.h for why lws is not given names).
#include "relay/listen_address.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <array>
#include <memory>

#include <fmt/core.h>
#include <libwebsockets.h>

namespace relay {
namespace {

struct AddrinfoFree {
  void operator()(addrinfo* a) const { freeaddrinfo(a); }
};

ListenAddress from_sockaddr(const sockaddr* sa) {
  ListenAddress a;
  std::array<char, INET6_ADDRSTRLEN> text{};
  if (sa->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    inet_ntop(AF_INET6, &in6->sin6_addr, text.data(), text.size());
    a.ipv6 = true;
    a.loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
  } else {
    const auto* in4 = reinterpret_cast<const sockaddr_in*>(sa);
    inet_ntop(AF_INET, &in4->sin_addr, text.data(), text.size());
    a.loopback = (ntohl(in4->sin_addr.s_addr) >> 24) == 127;
  }
  a.numeric = text.data();
  return a;
}

}  // namespace

std::variant<ListenAddress, std::string> resolve_listen_address(const std::string& host) {
  if (host.empty()) return std::string("an empty address (say 127.0.0.1, ::1, 0.0.0.0 or ::)");
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0) {
    return fmt::format("cannot resolve \"{}\": {}", host, gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, AddrinfoFree> list(found);
  const addrinfo* pick = nullptr;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    if (a->ai_family == AF_INET) {
      pick = a;
      break;
    }
    if (a->ai_family == AF_INET6 && pick == nullptr) pick = a;
  }
  if (pick == nullptr) return fmt::format("\"{}\" has no IPv4 or IPv6 address", host);
  return from_sockaddr(pick->ai_addr);
}

std::uint64_t exact_bind_options(const ListenAddress& a) {
  return LWS_SERVER_OPTION_FAIL_UPON_UNABLE_TO_BIND | (a.ipv6 ? 0 : LWS_SERVER_OPTION_DISABLE_IPV6);
}

std::string host_port(const ListenAddress& a, int port) {
  return a.ipv6 ? fmt::format("[{}]:{}", a.numeric, port) : fmt::format("{}:{}", a.numeric, port);
}

}  // namespace relay
