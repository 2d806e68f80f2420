// wire::Result<T>: a value, or an Error that a student can act on.
// Decoding peer input never throws: it returns one of these.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <variant>

namespace wire {

// Why something was rejected: the rule it broke and where.
struct Error {
  std::string rule;         // the section that was broken, e.g. "RFC 6455 5.1"
  std::string reason;       // one plain-English sentence, e.g. "client frames must be masked"
  std::size_t offset = 0;   // byte offset of the offending byte in the input, where it applies
};

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}            // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}        // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const Error& error() const { return std::get<1>(v_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace wire
