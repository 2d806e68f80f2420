// Private: one direction's HTTP/1.1 message parser (RFC 9112 2-7), used by
// HttpSplitter (http.cpp), which pairs requests with responses and decides
// how each message's body is delimited.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "wire/http.h"

namespace wire::detail {

// The RFC 9110 text helpers every HTTP-shaped parser in wire/ shares
// (http_fields.cpp defines them; handshake.cpp uses them too).
// ASCII case-insensitive comparison (field names, RFC 9110 5.1).
bool iequals(std::string_view a, std::string_view b);
// Optional whitespace (SP / HTAB) trimmed from both ends (RFC 9110 5.6.3).
std::string_view trim_ows(std::string_view s);
// RFC 9110 5.6.2: token = 1*tchar.
bool is_tchar(char c);
bool is_token(std::string_view s);

enum class BodyKind : std::uint8_t { none, length, chunked, until_close };
enum class After : std::uint8_t { next, hold, switch_to_websocket, stop };

// How a message's body ends and what comes after it, decided from its head.
struct Framing {
  BodyKind body = BodyKind::none;
  std::uint64_t length = 0;     // BodyKind::length
  After after = After::next;
  std::string error;            // not empty: the head cannot be framed (Raw, then stop)
  std::optional<RequestRefusal> refusal;   // request_rules: refused (the head is emitted, then stop)
  std::string stop_why;         // After::stop: why later bytes are not HTTP
};

struct Head {
  std::string start_line;
  HttpHeaders headers;
};

// Decides the framing of each complete head (one per splitter, both directions).
class Decider {
 public:
  virtual Framing on_head(Direction dir, const Head& head) = 0;

 protected:
  ~Decider() = default;
};

// One per direction. Owns the bytes of the message in progress (bounded by
// HttpOptions) and the offset of the next byte in its direction's stream.
class MessageParser {
 public:
  enum class State : std::uint8_t {
    start_line, header_lines, body_length, chunk_size, chunk_data, chunk_data_end, trailer_lines,
    body_until_close, hold, switched, stopped,
  };

  MessageParser(Direction dir, HttpOptions options, Decider* decider);

  // Consumes bytes and appends finished units to out; returns how many bytes
  // were consumed (fewer than given only once the state is `switched`).
  std::size_t feed(std::span<const std::uint8_t> in, HttpFeed& out);
  void finish(HttpFeed& out);

  // The answer to an upgrade request arrived: in `hold`, switch to WebSocket
  // (held bytes go to out.websocket) or go back to HTTP (held bytes re-parsed).
  bool switch_to_websocket(HttpFeed& out);
  void release_hold(HttpFeed& out);
  void stop_now(HttpFeed& out, std::string why);

  State state() const { return state_; }
  std::uint64_t offset() const { return offset_; }
  std::uint64_t settled() const;
  std::size_t pending() const { return line_.size() + msg_.size() + held_.size() + junk_.size(); }

 private:
  bool take_line(std::span<const std::uint8_t> in, std::size_t& i);
  std::string line_text() const;   // line_ without its CRLF / LF
  void on_start_line(HttpFeed& out);
  void on_header_line(HttpFeed& out);
  void on_chunk_size_line(HttpFeed& out);
  void on_trailer_line(HttpFeed& out);
  void on_head_complete(HttpFeed& out);
  void keep_body(std::span<const std::uint8_t> bytes);
  void complete_message(HttpFeed& out);
  void flush_junk(HttpFeed& out);
  void fail_message(HttpFeed& out, std::string why);   // message so far -> Raw, stop
  void emit_raw(HttpFeed& out, std::uint64_t offset, Bytes bytes, std::string why);
  void reset_message();
  const RequestLimits* rules() const;   // set for c2s with HttpOptions::request_rules
  void refuse(HttpFeed& out, RequestRefusal refusal, bool whole_head);

  Direction dir_;
  HttpOptions options_;
  Decider* decider_;
  State state_ = State::start_line;
  std::uint64_t offset_ = 0;       // stream offset of the next byte to consume
  Bytes line_;                     // the line being read (start, field, chunk-size, trailer)
  // The message in progress.
  Bytes msg_;                      // head, then body bytes up to max_body_kept
  std::uint64_t msg_offset_ = 0;
  Head head_;
  Framing framing_;
  std::uint64_t body_len_ = 0;     // body bytes on the wire so far
  std::uint64_t body_kept_ = 0;
  bool truncated_ = false;
  std::uint64_t remaining_ = 0;    // body_length / chunk_data: bytes still to come
  std::size_t trailer_bytes_ = 0;
  // Lines that are not a start line, reported together as one Raw.
  Bytes junk_;
  std::uint64_t junk_offset_ = 0;
  std::string junk_why_;
  // hold: bytes after an upgrade request, before its answer (not yet consumed).
  Bytes held_;
  std::string stop_why_;
};

}  // namespace wire::detail
