// The tap's hold on libwebsockets' socket calls (docs/platform.md, "The
// byte-exact tap"). Debian's libwebsockets.so.17 reads and writes its
// sockets with recv() and send() through the dynamic linker, so the relay
// executable defines both (socket_hooks.cpp): a call on a socket the tap
// owns goes to the tap, every other call straight to the C library.
// Only calls on the lws service thread are looked at: another thread's
// socket may reuse a number the tap has just let go of.
#pragma once

#include <sys/types.h>

#include <cstddef>

namespace relay {

class SocketHook {
 public:
  virtual ~SocketHook() = default;
  // True when the tap owns `fd` (then the call is the tap's to answer).
  virtual bool owns(int fd) const = 0;
  virtual ssize_t on_recv(int fd, void* buf, std::size_t len) = 0;
  virtual ssize_t on_send(int fd, const void* buf, std::size_t len, int flags) = 0;
};

// From the service thread: calls on that thread go to `hook` (nullptr: none).
void install_socket_hook(SocketHook* hook);

// The C library's own calls, for the tap (errno as they leave it).
ssize_t real_recv(int fd, void* buf, std::size_t len, int flags);
ssize_t real_send(int fd, const void* buf, std::size_t len, int flags);

}  // namespace relay
