// RAII over the lws handles the relay creates (every handle has one owner). lws owns the
// per-connection wsis; the relay owns the context and the vhosts live inside it.
#pragma once

#include <cstdint>
#include <memory>

#include <unistd.h>

#include <libwebsockets.h>

namespace relay {

struct ContextDeleter {
  void operator()(lws_context* c) const { lws_context_destroy(c); }
};
using ContextPtr = std::unique_ptr<lws_context, ContextDeleter>;

// A file descriptor closed unless released to lws (socketpair ends before adoption).
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      if (fd_ >= 0) ::close(fd_);
      fd_ = o.release();
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }

 private:
  int fd_ = -1;
};

// The connection id kept in a wsi's opaque user data (lws memory
// holds only an id, never a pointer to a C++ object).
inline void set_conn_id(lws* wsi, std::uint64_t id) {
  lws_set_opaque_user_data(wsi, reinterpret_cast<void*>(static_cast<std::uintptr_t>(id)));
}
inline std::uint64_t conn_id(lws* wsi) {
  return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(lws_get_opaque_user_data(wsi)));
}
inline void* id_as_opaque(std::uint64_t id) { return reinterpret_cast<void*>(static_cast<std::uintptr_t>(id)); }

}  // namespace relay
