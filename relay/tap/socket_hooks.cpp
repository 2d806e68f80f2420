// recv() and send() for the whole process (socket_hooks.h). <sys/socket.h>
// is not included here: with _FORTIFY_SOURCE it defines an inline recv of
// its own, and this file defines the real one.
#include "relay/tap/socket_hooks.h"

#include <dlfcn.h>

namespace relay {
namespace {

using RecvFn = ssize_t (*)(int, void*, std::size_t, int);
using SendFn = ssize_t (*)(int, const void*, std::size_t, int);

// The next definition after the executable's: the C library's, or under
// ASan its interceptor (which calls the C library's).
template <class Fn>
Fn next_symbol(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

SocketHook* g_hook = nullptr;
thread_local bool t_service_thread = false;

SocketHook* hook_for(int fd) {
  if (g_hook == nullptr || !t_service_thread || !g_hook->owns(fd)) return nullptr;
  return g_hook;
}

}  // namespace

void install_socket_hook(SocketHook* hook) {
  g_hook = hook;
  t_service_thread = hook != nullptr;
}

ssize_t real_recv(int fd, void* buf, std::size_t len, int flags) {
  static const RecvFn fn = next_symbol<RecvFn>("recv");
  return fn(fd, buf, len, flags);
}

ssize_t real_send(int fd, const void* buf, std::size_t len, int flags) {
  static const SendFn fn = next_symbol<SendFn>("send");
  return fn(fd, buf, len, flags);
}

}  // namespace relay

// The definitions libwebsockets' calls bind to (it calls them with flags 0
// and MSG_NOSIGNAL; a peek, or any other flag, is not lws's read).
extern "C" ssize_t recv(int fd, void* buf, std::size_t len, int flags) {
  if (flags == 0) {
    if (relay::SocketHook* hook = relay::hook_for(fd)) return hook->on_recv(fd, buf, len);
  }
  return relay::real_recv(fd, buf, len, flags);
}

extern "C" ssize_t send(int fd, const void* buf, std::size_t len, int flags) {
  if (relay::SocketHook* hook = relay::hook_for(fd)) return hook->on_send(fd, buf, len, flags);
  return relay::real_send(fd, buf, len, flags);
}
