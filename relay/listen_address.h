// relay::ListenAddress: what --bind / --mirror-bind name, resolved once at
// start to one numeric address, so each listener binds exactly that address.
// libwebsockets 4.1.6 cannot be given a name or an IPv4 address directly on
// an IPv6-enabled build: its lws_interface_to_sa() writes the IPv4 address
// into sin6_flowinfo of a sockaddr_in6 and leaves sin6_addr as "::", so the
// socket listened on every address; names like "localhost" or "127.1" did
// not parse at all and the vhost silently listened nowhere (port 0).
#pragma once

#include <cstdint>
#include <string>
#include <variant>

namespace relay {

struct ListenAddress {
  std::string numeric;   // "127.0.0.1", "::1", "0.0.0.0", "::"
  bool ipv6 = false;
  bool loopback = false; // 127.0.0.0/8 or ::1
};

// A numeric address as is; a name through getaddrinfo (its first IPv4
// address, else its first IPv6 one). The string on failure says why.
std::variant<ListenAddress, std::string> resolve_listen_address(const std::string& host);

// The libwebsockets vhost options that make it bind `a` exactly: no IPv6
// socket for an IPv4 address, and creating the vhost fails when binding does.
std::uint64_t exact_bind_options(const ListenAddress& a);

// "127.0.0.1:7681" or "[::1]:7681" for the listening lines.
std::string host_port(const ListenAddress& a, int port);

}  // namespace relay
